package org.voxelspark.stats.inference;

/**
 * Which voxels of a 3-D grid are neighbours: sharing a face (6), a face or an edge (18), or a
 * face, an edge or a corner (26). TFCE uses {@link #SIX} by default (PALM and FSL); cluster
 * extent and mass use {@link #TWENTY_SIX} by default (PALM's {@code bwconncomp} default and FSL's
 * {@code cluster}).
 */
public enum Connectivity {
  SIX(6),
  EIGHTEEN(18),
  TWENTY_SIX(26);

  private final int neighbours;

  Connectivity(int neighbours) {
    this.neighbours = neighbours;
  }

  /** Number of neighbours of an interior voxel. */
  public int neighbours() {
    return neighbours;
  }

  /** The constant with that number of neighbours. */
  public static Connectivity of(int neighbours) {
    for (Connectivity c : values()) {
      if (c.neighbours == neighbours) {
        return c;
      }
    }
    throw new IllegalArgumentException("connectivity is 6, 18 or 26, not " + neighbours);
  }

  /** True when the offset (di, dj, dk), each in −1..1 and not all 0, is a neighbour. */
  boolean includes(int di, int dj, int dk) {
    int nonZero = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
    return switch (this) {
      case SIX -> nonZero == 1;
      case EIGHTEEN -> nonZero >= 1 && nonZero <= 2;
      case TWENTY_SIX -> nonZero >= 1;
    };
  }
}
