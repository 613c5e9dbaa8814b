package org.voxelspark.reho;

import java.util.ArrayList;
import java.util.List;

/**
 * The voxels whose time series enter a voxel's ReHo (Zang et al. 2004): the voxel itself and its
 * neighbours in the 3×3×3 cube that share a face (7), a face or an edge (19), or any point (27).
 * AFNI's {@code 3dReHo -nneigh} spheres of radius 1.1, 1.7 and 1.9 voxels give the same sets.
 *
 * <p>{@link #offsets()} lists the (di, dj, dk) of the members in a fixed order — the centre first,
 * then by k, j, i — which is also the order in which ranks are summed, so a voxel's W never
 * depends on which block it is computed in.
 */
public enum Neighbourhood {
  /** Centre and its 6 face neighbours. */
  NN7(1),
  /** Centre, 6 face and 12 edge neighbours. */
  NN19(2),
  /** The whole 3×3×3 cube. */
  NN27(3);

  private final int maxNonZero;

  Neighbourhood(int maxNonZero) {
    this.maxNonZero = maxNonZero;
  }

  /** Number of voxels, centre included. */
  public int size() {
    return offsets().length;
  }

  /** {di, dj, dk} per member, centre first. */
  public int[][] offsets() {
    List<int[]> out = new ArrayList<>();
    out.add(new int[] {0, 0, 0});
    for (int dk = -1; dk <= 1; dk++) {
      for (int dj = -1; dj <= 1; dj++) {
        for (int di = -1; di <= 1; di++) {
          int nonZero = (di != 0 ? 1 : 0) + (dj != 0 ? 1 : 0) + (dk != 0 ? 1 : 0);
          if (nonZero > 0 && nonZero <= maxNonZero) {
            out.add(new int[] {di, dj, dk});
          }
        }
      }
    }
    return out.toArray(new int[0][]);
  }

  /** The neighbourhood of {@code n} voxels (7, 19 or 27). */
  public static Neighbourhood of(int n) {
    for (Neighbourhood nb : values()) {
      if (nb.size() == n) {
        return nb;
      }
    }
    throw new IllegalArgumentException("a ReHo neighbourhood has 7, 19 or 27 voxels, not " + n);
  }
}
