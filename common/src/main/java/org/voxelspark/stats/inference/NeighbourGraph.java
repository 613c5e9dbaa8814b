package org.voxelspark.stats.inference;

/**
 * Neighbour lists of the in-mask voxels of a {@link MaskedGrid} for one {@link Connectivity}, in
 * compressed form (neighbours of voxel m are {@code adj[start[m] .. start[m+1])}, compact indices,
 * ascending). Built once per executor; immutable; thread-safe.
 */
public final class NeighbourGraph {
  private final MaskedGrid grid;
  private final Connectivity connectivity;
  final int[] start;
  final int[] adj;

  NeighbourGraph(MaskedGrid grid, Connectivity connectivity) {
    this.grid = grid;
    this.connectivity = connectivity;
    int v = grid.size();
    int nx = grid.nx();
    int ny = grid.ny();
    int nz = grid.nz();
    int[] lut = new int[nx * ny * nz];
    java.util.Arrays.fill(lut, -1);
    for (int m = 0; m < v; m++) {
      lut[grid.index(m)] = m;
    }
    int[][] offsets = new int[26][];
    int no = 0;
    for (int dk = -1; dk <= 1; dk++) {
      for (int dj = -1; dj <= 1; dj++) {
        for (int di = -1; di <= 1; di++) {
          if (connectivity.includes(di, dj, dk)) {
            offsets[no++] = new int[] {di, dj, dk};
          }
        }
      }
    }
    start = new int[v + 1];
    int[] tmp = new int[v * no];
    int e = 0;
    for (int m = 0; m < v; m++) {
      int q = grid.index(m);
      int i = q % nx;
      int j = (q / nx) % ny;
      int k = q / (nx * ny);
      start[m] = e;
      for (int o = 0; o < no; o++) {
        int a = i + offsets[o][0];
        int b = j + offsets[o][1];
        int c = k + offsets[o][2];
        if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) {
          continue;
        }
        int nb = lut[a + nx * (b + ny * c)];
        if (nb >= 0) {
          tmp[e++] = nb;
        }
      }
    }
    start[v] = e;
    adj = java.util.Arrays.copyOf(tmp, e);
  }

  /** The grid. */
  public MaskedGrid grid() {
    return grid;
  }

  /** The connectivity. */
  public Connectivity connectivity() {
    return connectivity;
  }

  /** Number of voxels. */
  public int size() {
    return start.length - 1;
  }
}
