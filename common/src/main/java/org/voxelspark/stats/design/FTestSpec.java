package org.voxelspark.stats.design;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * An F-test as the user writes it: a name and the rows it tests jointly, each either the name of a
 * t-contrast defined beside it or a contrast expression ({@link ContrastSpec}), or the name of a
 * term of the model, which stands for all of that term's design columns (e.g. {@code site} tests
 * every site difference at once).
 *
 * @param name the test's name in outputs; never blank
 * @param parts contrast names, expressions or term names; at least one
 */
public record FTestSpec(String name, List<String> parts) implements Serializable {
  public FTestSpec {
    Objects.requireNonNull(name, "name");
    parts = List.copyOf(parts);
  }
}
