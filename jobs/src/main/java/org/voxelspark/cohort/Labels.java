package org.voxelspark.cohort;

import java.util.List;
import java.util.regex.Pattern;
import org.voxelspark.error.UserInputException;

/**
 * BIDS labels (the value of an entity such as {@code sub-<label>}): one or more ASCII letters or
 * digits, nothing else. Labels become parts of output paths, so anything else — path separators,
 * {@code ..}, spaces, dashes or underscores that would break entity parsing — is rejected.
 */
public final class Labels {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]+");

  private Labels() {}

  /** True if {@code label} is a valid BIDS label. */
  public static boolean isValid(String label) {
    return label != null && LABEL.matcher(label).matches();
  }

  /**
   * Returns {@code label}, or throws a user error naming {@code source} and {@code field}.
   */
  public static String requireSafe(String label, String source, String field) {
    if (!isValid(label)) {
      throw new UserInputException(source, field, problem(label));
    }
    return label;
  }

  /** Adds a problem to {@code problems} if {@code label} is invalid; returns whether it is valid. */
  public static boolean check(String label, String source, String field, List<UserInputException.Problem> problems) {
    if (isValid(label)) {
      return true;
    }
    problems.add(new UserInputException.Problem(source, field, problem(label)));
    return false;
  }

  /** The label without a {@code sub-} (or other {@code key-}) prefix, if it has one. */
  public static String stripPrefix(String value, String key) {
    String prefix = key + "-";
    return value.startsWith(prefix) ? value.substring(prefix.length()) : value;
  }

  private static String problem(String label) {
    return "label \"" + label + "\" is not a BIDS label: only letters and digits are allowed (no path separators, '..', spaces, '-' or '_')";
  }
}
