package org.voxelspark.stats.roi;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.voxelspark.error.UserInputException;

/**
 * Per-subject ROI means of a metric map over a label image (an atlas), the input of the ROI
 * analysis (Tu et al. 2015: mean brainstem ReHo per subject, correlated with spasm severity).
 *
 * <p><b>Definition.</b> For ROI label r (a positive integer; 0 is background), the mean of the map
 * over the voxels with that label that are inside the mask (when given) and whose value is finite.
 * An ROI without such a voxel has mean NaN and count 0, which the GLM then treats as a missing
 * subject for that ROI. Means are accumulated in double, in voxel order.
 *
 * <p>The map and the label image must be on the same grid (the caller resamples the atlas to the
 * maps' grid, nearest neighbour). The per-subject results stack into the subject-major
 * subjects × ROIs matrix the GLM and permutation kernels take ({@link #stack}).
 *
 * <p>Stateless; thread-safe.
 */
public final class RoiMeans {
  private RoiMeans() {}

  /**
   * One subject's ROI means.
   *
   * @param rois the ROI labels, ascending
   * @param means the mean per ROI (NaN where no voxel counts)
   * @param voxels the number of voxels averaged per ROI
   */
  public record Result(int[] rois, double[] means, int[] voxels) implements java.io.Serializable {}

  /**
   * Integer labels from a label image read as floats (NIfTI readers scale to float).
   *
   * @param source the label image's path, for errors
   * @throws UserInputException if a value is negative, not an integer or not finite
   */
  public static int[] labels(float[] image, String source) {
    int[] out = new int[image.length];
    List<Integer> bad = new ArrayList<>();
    for (int q = 0; q < image.length; q++) {
      float f = image[q];
      if (!(f >= 0) || f != Math.rint(f) || f > Integer.MAX_VALUE) {
        if (bad.size() < 5) {
          bad.add(q);
        }
        continue;
      }
      out[q] = (int) f;
    }
    if (!bad.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (int q : bad) {
        sb.append(sb.length() == 0 ? "" : ", ").append("voxel ").append(q).append(" = ").append(image[q]);
      }
      throw new UserInputException(source, "labels",
          "a label image needs non-negative integer values (0 = background): " + sb);
    }
    return out;
  }

  /** The distinct positive labels of a label image, ascending. */
  public static int[] roisOf(int[] labels) {
    TreeSet<Integer> set = new TreeSet<>();
    for (int l : labels) {
      if (l > 0) {
        set.add(l);
      }
    }
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  /** ROI means of a float map (e.g. {@code NiftiImage.data()}); {@code mask} may be null. */
  public static Result means(int[] labels, float[] map, boolean[] mask, int[] rois) {
    check(labels.length, map.length, mask);
    int maxLabel = 0;
    for (int r : rois) {
      maxLabel = Math.max(maxLabel, r);
    }
    int[] slot = slots(rois, maxLabel);
    double[] sum = new double[rois.length];
    int[] count = new int[rois.length];
    for (int q = 0; q < labels.length; q++) {
      int l = labels[q];
      if (l <= 0 || l > maxLabel || slot[l] < 0 || (mask != null && !mask[q])) {
        continue;
      }
      float x = map[q];
      if (Float.isFinite(x)) {
        sum[slot[l]] += x;
        count[slot[l]]++;
      }
    }
    return result(rois, sum, count);
  }

  /** ROI means of a double map; {@code mask} may be null. */
  public static Result means(int[] labels, double[] map, boolean[] mask, int[] rois) {
    check(labels.length, map.length, mask);
    int maxLabel = 0;
    for (int r : rois) {
      maxLabel = Math.max(maxLabel, r);
    }
    int[] slot = slots(rois, maxLabel);
    double[] sum = new double[rois.length];
    int[] count = new int[rois.length];
    for (int q = 0; q < labels.length; q++) {
      int l = labels[q];
      if (l <= 0 || l > maxLabel || slot[l] < 0 || (mask != null && !mask[q])) {
        continue;
      }
      double x = map[q];
      if (Double.isFinite(x)) {
        sum[slot[l]] += x;
        count[slot[l]]++;
      }
    }
    return result(rois, sum, count);
  }

  /**
   * Stacks per-subject means (subjects in design row order, same ROIs) into the subject-major
   * matrix {@code y[s*R + r]}.
   */
  public static double[] stack(List<Result> perSubject) {
    int r = perSubject.isEmpty() ? 0 : perSubject.get(0).rois().length;
    double[] y = new double[perSubject.size() * r];
    for (int s = 0; s < perSubject.size(); s++) {
      Result res = perSubject.get(s);
      if (res.rois().length != r || (s > 0 && !java.util.Arrays.equals(res.rois(), perSubject.get(0).rois()))) {
        throw new IllegalArgumentException("subject " + s + " has other ROIs than subject 0");
      }
      System.arraycopy(res.means(), 0, y, s * r, r);
    }
    return y;
  }

  private static void check(int labels, int map, boolean[] mask) {
    if (labels != map || (mask != null && mask.length != map)) {
      throw new IllegalArgumentException("label image (" + labels + "), map (" + map + ") and mask ("
          + (mask == null ? "none" : mask.length) + ") must have the same number of voxels");
    }
  }

  private static int[] slots(int[] rois, int maxLabel) {
    int[] slot = new int[maxLabel + 1];
    java.util.Arrays.fill(slot, -1);
    for (int i = 0; i < rois.length; i++) {
      if (rois[i] <= 0) {
        throw new IllegalArgumentException("ROI labels are positive, got " + rois[i]);
      }
      slot[rois[i]] = i;
    }
    return slot;
  }

  private static Result result(int[] rois, double[] sum, int[] count) {
    double[] mean = new double[rois.length];
    for (int i = 0; i < rois.length; i++) {
      mean[i] = count[i] == 0 ? Double.NaN : sum[i] / count[i];
    }
    return new Result(rois.clone(), mean, count);
  }
}
