package org.voxelspark.stats.glm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The voxels of a subject-major block ({@code y[s*v + j]}, NaN = missing) grouped by which
 * subjects they have: group 0 is always the complete voxels (every subject present; possibly none),
 * then one group per distinct pattern of missing subjects, in order of first appearance.
 *
 * <p>Each group is fitted with the design restricted to its subjects (its own N and degrees of
 * freedom), so real blocks, where a few edge voxels lack one or two subjects, cost one extra small
 * fit per pattern. Not thread-safe to build; immutable afterwards.
 */
public final class VoxelGroups {
  private final int n;
  private final List<int[]> voxels;
  private final List<boolean[]> available;

  private VoxelGroups(int n, List<int[]> voxels, List<boolean[]> available) {
    this.n = n;
    this.voxels = voxels;
    this.available = available;
  }

  /** Groups the v voxels of the n×v block {@code y}. */
  public static VoxelGroups of(double[] y, int n, int v) {
    if (y.length != (long) n * v) {
      throw new IllegalArgumentException("block of " + y.length + " values is not " + n + " subjects × " + v + " voxels");
    }
    int[] missing = new int[v];
    for (int s = 0; s < n; s++) {
      int o = s * v;
      for (int j = 0; j < v; j++) {
        if (Double.isNaN(y[o + j])) {
          missing[j]++;
        }
      }
    }
    int complete = 0;
    for (int j = 0; j < v; j++) {
      if (missing[j] == 0) {
        complete++;
      }
    }
    List<int[]> vox = new ArrayList<>();
    List<boolean[]> avail = new ArrayList<>();
    int[] c = new int[complete];
    int t = 0;
    for (int j = 0; j < v; j++) {
      if (missing[j] == 0) {
        c[t++] = j;
      }
    }
    vox.add(c);
    boolean[] all = new boolean[n];
    Arrays.fill(all, true);
    avail.add(all);
    if (complete < v) {
      int words = (n + 63) / 64;
      Map<Key, List<Integer>> groups = new LinkedHashMap<>();
      Map<Key, boolean[]> masks = new LinkedHashMap<>();
      for (int j = 0; j < v; j++) {
        if (missing[j] == 0) {
          continue;
        }
        long[] bits = new long[words];
        boolean[] a = new boolean[n];
        for (int s = 0; s < n; s++) {
          if (!Double.isNaN(y[s * v + j])) {
            bits[s >>> 6] |= 1L << (s & 63);
            a[s] = true;
          }
        }
        Key k = new Key(bits);
        groups.computeIfAbsent(k, x -> new ArrayList<>()).add(j);
        masks.putIfAbsent(k, a);
      }
      for (Map.Entry<Key, List<Integer>> e : groups.entrySet()) {
        vox.add(e.getValue().stream().mapToInt(Integer::intValue).toArray());
        avail.add(masks.get(e.getKey()));
      }
    }
    return new VoxelGroups(n, vox, avail);
  }

  private record Key(long[] bits) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bits, k.bits);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bits);
    }
  }

  /** Number of groups (≥ 1; group 0 = complete voxels). */
  public int count() {
    return voxels.size();
  }

  /** True when every voxel is complete. */
  public boolean allComplete() {
    return voxels.size() == 1;
  }

  /** Voxel indices (ascending) of group g. Not a copy: do not modify. */
  public int[] voxels(int g) {
    return voxels.get(g);
  }

  /** Which subjects group g has (length n). Not a copy: do not modify. */
  public boolean[] available(int g) {
    return available.get(g);
  }

  /** Number of subjects present in group g. */
  public int subjects(int g) {
    int c = 0;
    for (boolean b : available.get(g)) {
      if (b) {
        c++;
      }
    }
    return c;
  }

  /** Number of subjects of the block. */
  public int totalSubjects() {
    return n;
  }

  /** The rows of the row-major n×p matrix {@code x} for the subjects in {@code keep}. */
  public static double[] restrictRows(double[] x, int n, int p, boolean[] keep) {
    int m = 0;
    for (boolean b : keep) {
      if (b) {
        m++;
      }
    }
    double[] out = new double[m * p];
    int r = 0;
    for (int s = 0; s < n; s++) {
      if (keep[s]) {
        System.arraycopy(x, s * p, out, r * p, p);
        r++;
      }
    }
    return out;
  }

  /**
   * Copies the voxels {@code idx[from .. from+width)} of the subject-major n×v block {@code y},
   * subjects in {@code keep} only, into {@code tile[row][0..width)} (row = rank of the subject among
   * those kept).
   */
  public static void gather(double[] y, int v, int[] idx, int from, int width, boolean[] keep, double[][] tile) {
    int row = 0;
    for (int s = 0; s < keep.length; s++) {
      if (!keep[s]) {
        continue;
      }
      double[] t = tile[row++];
      int o = s * v;
      for (int q = 0; q < width; q++) {
        t[q] = y[o + idx[from + q]];
      }
    }
  }
}
