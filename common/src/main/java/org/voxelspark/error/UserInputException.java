package org.voxelspark.error;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The one exception type for mistakes in what a user gave us: a malformed or truncated file, a
 * table with a missing column, a bval/bvec mismatch, an unknown option value.
 *
 * <p>Every instance carries one or more {@link Problem}s, each naming the <em>source</em> (a file
 * path or URI, or an option name), the <em>field</em> inside it (a header field, a column, a row)
 * and what was wrong or expected. The CLI renders one readable line per problem and exits non-zero;
 * it prints a stack trace only with {@code --debug}. Validation that can find several problems at
 * once (a cohort's missing files, a table's bad rows) reports them all in one exception rather than
 * stopping at the first.
 *
 * <p>Bugs in voxelspark itself are <em>not</em> user errors: they are {@link IllegalStateException}
 * or {@link IllegalArgumentException} and keep their stack trace.
 *
 * <p>Instances are immutable and serializable (Spark ships them from executors to the driver).
 */
public class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * One problem with one input.
   *
   * @param source the file (path or URI) or option the problem is in; never null
   * @param field the field, column, row or element inside the source, or {@code ""} for the whole
   * @param message what is wrong and, where it helps, what was expected; never null
   */
  public record Problem(String source, String field, String message) implements java.io.Serializable {
    public Problem {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }

    /** {@code source: field: message}, or {@code source: message} when the field is empty. */
    public String render() {
      return field.isEmpty() ? source + ": " + message : source + ": " + field + ": " + message;
    }
  }

  private final List<Problem> problems;

  /** A single problem in {@code source} at {@code field}. */
  public UserInputException(String source, String field, String message) {
    this(List.of(new Problem(source, field, message)), null);
  }

  /** A single problem whose detection was triggered by {@code cause} (e.g. a {@code ZipException}). */
  public UserInputException(String source, String field, String message, Throwable cause) {
    this(List.of(new Problem(source, field, message)), cause);
  }

  /** Several problems found together; {@code problems} must not be empty. */
  public UserInputException(List<Problem> problems) {
    this(problems, null);
  }

  private UserInputException(List<Problem> problems, Throwable cause) {
    super(renderAll(problems), cause);
    this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
  }

  /** The problems, in the order they were found; never empty. */
  public List<Problem> problems() {
    return problems;
  }

  /**
   * Throws one exception listing every problem collected so far, if there is any; a no-op on an
   * empty list. Use it at the end of a validation pass that collects instead of failing fast.
   */
  public static void throwIfAny(List<Problem> problems) {
    if (!problems.isEmpty()) {
      throw new UserInputException(problems);
    }
  }

  private static String renderAll(List<Problem> problems) {
    if (problems == null || problems.isEmpty()) {
      throw new IllegalArgumentException("a UserInputException needs at least one problem");
    }
    if (problems.size() == 1) {
      return problems.get(0).render();
    }
    StringBuilder sb = new StringBuilder(problems.size() + " problems:");
    for (Problem p : problems) {
      sb.append(System.lineSeparator()).append("  ").append(p.render());
    }
    return sb.toString();
  }
}
