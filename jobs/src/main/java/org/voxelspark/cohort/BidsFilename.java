package org.voxelspark.cohort;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A BIDS file name {@code key-value[_key-value...]_suffix.extension} split into its entities, suffix
 * and extension, e.g. {@code sub-01_ses-2_task-rest_run-1_bold.nii.gz} → entities
 * {sub=01, ses=2, task=rest, run=1}, suffix {@code bold}, extension {@code .nii.gz}.
 *
 * @param entities entity values by key, in file order
 * @param suffix the suffix ({@code dwi}, {@code bold}, ...)
 * @param extension everything from the first dot ({@code .nii.gz}), or "" when none
 */
public record BidsFilename(Map<String, String> entities, String suffix, String extension) {
  private static final Pattern KEY = Pattern.compile("[a-zA-Z]+");
  private static final Pattern SUFFIX = Pattern.compile("[a-zA-Z0-9]+");

  /** Parses {@code name}; null if it is not a BIDS file name. */
  public static BidsFilename parse(String name) {
    int dot = name.indexOf('.');
    String stem = dot < 0 ? name : name.substring(0, dot);
    String ext = dot < 0 ? "" : name.substring(dot);
    String[] parts = stem.split("_", -1);
    if (parts.length < 2 || !SUFFIX.matcher(parts[parts.length - 1]).matches()) {
      return null;
    }
    Map<String, String> entities = new LinkedHashMap<>();
    for (int q = 0; q < parts.length - 1; q++) {
      int dash = parts[q].indexOf('-');
      if (dash <= 0) {
        return null;
      }
      String key = parts[q].substring(0, dash);
      String value = parts[q].substring(dash + 1);
      if (!KEY.matcher(key).matches() || !Labels.isValid(value) || entities.containsKey(key)) {
        return null;
      }
      entities.put(key, value);
    }
    return new BidsFilename(Collections.unmodifiableMap(entities), parts[parts.length - 1], ext);
  }

  /** The file name without suffix and extension, e.g. {@code sub-01_task-rest}. */
  public String entityPrefix() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : entities.entrySet()) {
      sb.append(sb.length() == 0 ? "" : "_").append(e.getKey()).append('-').append(e.getValue());
    }
    return sb.toString();
  }

  /** The entity's value, or null. */
  public String get(String key) {
    return entities.get(key);
  }
}
