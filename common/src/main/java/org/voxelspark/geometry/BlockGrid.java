package org.voxelspark.geometry;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A plan that cuts a volume of {@code nx × ny × nz} voxels into blocks (core + halo, see
 * {@link Block}) that can be computed independently, then reassembled.
 *
 * <p><b>Guarantees.</b> The cores partition the volume: every voxel lies in exactly one core. Each
 * halo is its core grown by {@link #halo()} voxels on every side and clipped to the volume, so with
 * a halo of 1 every voxel's 26 neighbours that exist are in its block's halo box. Block ids are
 * dense {@code 0..n−1} and stable: the same dims, specification and mask always give the same
 * blocks in the same order (cores ordered by k, then j, then i of their first corner).
 *
 * <p><b>Regular grids</b> ({@link #regular}) cut fixed-size blocks from voxel (0,0,0); blocks at the
 * far edges are smaller when the size does not divide the dims.
 *
 * <p><b>Balanced grids</b> ({@link #balanced}) balance the number of in-mask voxels, not the
 * bounding box: brain masks fill a third to a half of a head volume, so equal boxes give very
 * unequal work. The volume is cut along k into slabs by a greedy scan that closes a slab as soon as
 * its in-mask count reaches the target T; a slab whose single plane already exceeds T is cut the
 * same way along j into rows, and a row that exceeds T along i. Hence every block holds fewer than
 * 2T in-mask voxels, and every block except the last of each cut holds at least T. Planes without
 * any in-mask voxel at the end of a cut join the previous block. Blocks whose core has no in-mask
 * voxel ({@link Block#isEmpty()}) can remain (a volume with an empty mask is one empty block);
 * jobs skip them, and reassembly fills their voxels with the kernel's background value.
 *
 * <p>Immutable and thread-safe.
 */
public final class BlockGrid implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int nx;
  private final int ny;
  private final int nz;
  private final int halo;
  private final List<Block> blocks;

  private BlockGrid(int nx, int ny, int nz, int halo, List<Block> blocks) {
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.halo = halo;
    this.blocks = Collections.unmodifiableList(blocks);
  }

  /**
   * Fixed-size blocks of {@code bx × by × bz} voxels (edge blocks smaller).
   *
   * @throws IllegalArgumentException if a dim or block size is below 1 or the halo is negative
   */
  public static BlockGrid regular(int nx, int ny, int nz, int bx, int by, int bz, int halo) {
    checkDims(nx, ny, nz, halo);
    if (bx < 1 || by < 1 || bz < 1) {
      throw new IllegalArgumentException("block size must be ≥ 1, got " + bx + "×" + by + "×" + bz);
    }
    List<Block> out = new ArrayList<>();
    for (int k = 0; k < nz; k += bz) {
      for (int j = 0; j < ny; j += by) {
        for (int i = 0; i < nx; i += bx) {
          Box core = new Box(i, Math.min(nx, i + bx), j, Math.min(ny, j + by), k, Math.min(nz, k + bz));
          out.add(new Block(out.size(), core, core.grow(halo, nx, ny, nz), core.voxelCount()));
        }
      }
    }
    return new BlockGrid(nx, ny, nz, halo, out);
  }

  /** Cubic blocks of {@code size} voxels per side over {@code geometry}'s grid. */
  public static BlockGrid regular(VolumeGeometry geometry, int size, int halo) {
    return regular(geometry.nx(), geometry.ny(), geometry.nz(), size, size, size, halo);
  }

  /**
   * Blocks holding about {@code targetMaskVoxels} in-mask voxels each (see the class description).
   *
   * @param mask in-mask flags, flat, i fastest ({@code nx·ny·nz} entries)
   * @param targetMaskVoxels the target T (≥ 1)
   */
  public static BlockGrid balanced(int nx, int ny, int nz, boolean[] mask, int targetMaskVoxels, int halo) {
    checkDims(nx, ny, nz, halo);
    if ((long) nx * ny * nz != mask.length) {
      throw new IllegalArgumentException("mask has " + mask.length + " entries for a " + nx + "×" + ny + "×" + nz + " grid");
    }
    if (targetMaskVoxels < 1) {
      throw new IllegalArgumentException("target in-mask voxels per block must be ≥ 1, got " + targetMaskVoxels);
    }
    List<Box> cores = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    Cutter cutter = new Cutter(nx, ny, mask, targetMaskVoxels, cores, counts);
    cutter.cut(Box.of(nx, ny, nz), 2);
    List<Block> out = new ArrayList<>(cores.size());
    for (int b = 0; b < cores.size(); b++) {
      Box core = cores.get(b);
      out.add(new Block(b, core, core.grow(halo, nx, ny, nz), counts.get(b)));
    }
    return new BlockGrid(nx, ny, nz, halo, out);
  }

  /** Greedy mask-count cutting along one axis (2 = k, 1 = j, 0 = i), recursing into heavy units. */
  private static final class Cutter {
    private final int nx;
    private final int ny;
    private final boolean[] mask;
    private final int target;
    private final List<Box> cores;
    private final List<Integer> counts;

    Cutter(int nx, int ny, boolean[] mask, int target, List<Box> cores, List<Integer> counts) {
      this.nx = nx;
      this.ny = ny;
      this.mask = mask;
      this.target = target;
      this.cores = cores;
      this.counts = counts;
    }

    void cut(Box region, int axis) {
      int lo = lo(region, axis);
      int hi = hi(region, axis);
      int start = lo;
      int count = 0;
      for (int u = lo; u < hi; u++) {
        Box unit = slice(region, axis, u, u + 1);
        int c = count(unit);
        if (c > target && axis > 0) {
          // close what came before, then split this heavy unit along the next axis
          if (u > start) {
            emit(slice(region, axis, start, u), count);
          }
          cut(unit, axis - 1);
          start = u + 1;
          count = 0;
          continue;
        }
        count += c;
        if (count >= target) {
          emit(slice(region, axis, start, u + 1), count);
          start = u + 1;
          count = 0;
        }
      }
      if (start < hi) {
        Box rest = slice(region, axis, start, hi);
        if (count == 0 && !cores.isEmpty() && canExtend(cores.get(cores.size() - 1), rest)) {
          Box last = cores.remove(cores.size() - 1);
          counts.add(counts.remove(counts.size() - 1));
          cores.add(union(last, rest));
        } else {
          emit(rest, count);
        }
      }
    }

    private void emit(Box b, int count) {
      cores.add(b);
      counts.add(count);
    }

    /** The previous core and the rest form one box if they are adjacent and equal in the other axes. */
    private static boolean canExtend(Box a, Box b) {
      boolean sameIJ = a.i0() == b.i0() && a.i1() == b.i1() && a.j0() == b.j0() && a.j1() == b.j1();
      boolean sameIK = a.i0() == b.i0() && a.i1() == b.i1() && a.k0() == b.k0() && a.k1() == b.k1();
      boolean sameJK = a.j0() == b.j0() && a.j1() == b.j1() && a.k0() == b.k0() && a.k1() == b.k1();
      return (sameIJ && a.k1() == b.k0()) || (sameIK && a.j1() == b.j0()) || (sameJK && a.i1() == b.i0());
    }

    private static Box union(Box a, Box b) {
      return new Box(Math.min(a.i0(), b.i0()), Math.max(a.i1(), b.i1()), Math.min(a.j0(), b.j0()),
          Math.max(a.j1(), b.j1()), Math.min(a.k0(), b.k0()), Math.max(a.k1(), b.k1()));
    }

    private int count(Box b) {
      int c = 0;
      for (int k = b.k0(); k < b.k1(); k++) {
        for (int j = b.j0(); j < b.j1(); j++) {
          int row = nx * (j + ny * k);
          for (int i = b.i0(); i < b.i1(); i++) {
            if (mask[row + i]) {
              c++;
            }
          }
        }
      }
      return c;
    }

    private static int lo(Box b, int axis) {
      return axis == 2 ? b.k0() : axis == 1 ? b.j0() : b.i0();
    }

    private static int hi(Box b, int axis) {
      return axis == 2 ? b.k1() : axis == 1 ? b.j1() : b.i1();
    }

    private static Box slice(Box b, int axis, int from, int to) {
      return switch (axis) {
        case 2 -> new Box(b.i0(), b.i1(), b.j0(), b.j1(), from, to);
        case 1 -> new Box(b.i0(), b.i1(), from, to, b.k0(), b.k1());
        default -> new Box(from, to, b.j0(), b.j1(), b.k0(), b.k1());
      };
    }
  }

  private static void checkDims(int nx, int ny, int nz, int halo) {
    if (nx < 1 || ny < 1 || nz < 1) {
      throw new IllegalArgumentException("volume dims must be ≥ 1, got " + nx + "×" + ny + "×" + nz);
    }
    if (halo < 0) {
      throw new IllegalArgumentException("halo must be ≥ 0, got " + halo);
    }
  }

  public int nx() {
    return nx;
  }

  public int ny() {
    return ny;
  }

  public int nz() {
    return nz;
  }

  /** Halo width in voxels. */
  public int halo() {
    return halo;
  }

  /** All blocks, by id. */
  public List<Block> blocks() {
    return blocks;
  }

  public int blockCount() {
    return blocks.size();
  }

  public Block block(int id) {
    return blocks.get(id);
  }

  /** The block whose core contains voxel (i, j, k). Linear in the number of blocks. */
  public Block blockOf(int i, int j, int k) {
    for (Block b : blocks) {
      if (b.core().contains(i, j, k)) {
        return b;
      }
    }
    throw new IllegalArgumentException("voxel (" + i + "," + j + "," + k + ") outside the " + nx + "×" + ny + "×" + nz + " grid");
  }

  // ---------------------------------------------------------------------------------------------
  // Copies between whole-volume series and block arrays. Tight loops over rows of i.

  /**
   * The part of a 4D series inside {@code box}: {@code box.voxelCount() × nt} values in
   * {@code dstLayout} over the box's local flat index.
   *
   * @param series {@code nx·ny·nz × nt} values in {@code srcLayout}
   */
  public static float[] extract(float[] series, int nx, int ny, int nz, int nt, VoxelLayout srcLayout, Box box,
      VoxelLayout dstLayout) {
    long volume = (long) nx * ny * nz;
    if (volume * nt != series.length) {
      throw new IllegalArgumentException("series has " + series.length + " values, expected " + volume + " × " + nt);
    }
    int bv = box.voxelCount();
    float[] out = new float[bv * nt];
    int sx = box.sizeI();
    for (int k = box.k0(); k < box.k1(); k++) {
      for (int j = box.j0(); j < box.j1(); j++) {
        int srcRow = nx * (j + ny * k) + box.i0();
        int dstRow = box.localIndex(box.i0(), j, k);
        if (srcLayout == VoxelLayout.VOXEL_MAJOR && dstLayout == VoxelLayout.VOXEL_MAJOR) {
          System.arraycopy(series, srcRow * nt, out, dstRow * nt, sx * nt);
        } else if (srcLayout == VoxelLayout.VOLUME_MAJOR && dstLayout == VoxelLayout.VOLUME_MAJOR) {
          for (int t = 0; t < nt; t++) {
            System.arraycopy(series, (int) (t * volume + srcRow), out, t * bv + dstRow, sx);
          }
        } else {
          for (int x = 0; x < sx; x++) {
            for (int t = 0; t < nt; t++) {
              long s = srcLayout.offset(srcRow + x, t, volume, nt);
              long d = dstLayout.offset(dstRow + x, t, bv, nt);
              out[(int) d] = series[(int) s];
            }
          }
        }
      }
    }
    return out;
  }

  /** The in-mask flags of the voxels of {@code box}, over the box's local flat index. */
  public static boolean[] extractMask(boolean[] mask, int nx, int ny, int nz, Box box) {
    if ((long) nx * ny * nz != mask.length) {
      throw new IllegalArgumentException("mask has " + mask.length + " entries for a " + nx + "×" + ny + "×" + nz + " grid");
    }
    boolean[] out = new boolean[box.voxelCount()];
    for (int k = box.k0(); k < box.k1(); k++) {
      for (int j = box.j0(); j < box.j1(); j++) {
        System.arraycopy(mask, nx * (j + ny * k) + box.i0(), out, box.localIndex(box.i0(), j, k), box.sizeI());
      }
    }
    return out;
  }

  /**
   * Writes the voxels of {@code region} from a block array into a whole-volume array.
   *
   * @param blockData {@code dataBox.voxelCount() × channels} values in {@code blockLayout} over
   *     {@code dataBox}'s local index
   * @param dataBox the box {@code blockData} covers (e.g. a block's halo, or its core)
   * @param region the voxels to write (e.g. the block's core); must lie inside {@code dataBox}
   * @param dest {@code nx·ny·nz × channels} values in {@code destLayout}
   */
  public static void insert(float[] blockData, Box dataBox, Box region, int channels, VoxelLayout blockLayout,
      float[] dest, int nx, int ny, int nz, VoxelLayout destLayout) {
    long volume = (long) nx * ny * nz;
    int bv = dataBox.voxelCount();
    if ((long) bv * channels != blockData.length || volume * channels != dest.length) {
      throw new IllegalArgumentException("sizes disagree: block " + blockData.length + " for " + bv + "×" + channels
          + ", destination " + dest.length + " for " + volume + "×" + channels);
    }
    if (!dataBox.contains(region)) {
      throw new IllegalArgumentException("region " + region + " is not inside the data box " + dataBox);
    }
    int sx = region.sizeI();
    for (int k = region.k0(); k < region.k1(); k++) {
      for (int j = region.j0(); j < region.j1(); j++) {
        int destRow = nx * (j + ny * k) + region.i0();
        int srcRow = dataBox.localIndex(region.i0(), j, k);
        if (blockLayout == VoxelLayout.VOXEL_MAJOR && destLayout == VoxelLayout.VOXEL_MAJOR) {
          System.arraycopy(blockData, srcRow * channels, dest, destRow * channels, sx * channels);
        } else {
          for (int x = 0; x < sx; x++) {
            for (int c = 0; c < channels; c++) {
              long s = blockLayout.offset(srcRow + x, c, bv, channels);
              long d = destLayout.offset(destRow + x, c, volume, channels);
              dest[(int) d] = blockData[(int) s];
            }
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "BlockGrid[" + nx + "×" + ny + "×" + nz + ", " + blocks.size() + " blocks, halo " + halo + "]";
  }
}
