package org.voxelspark.group;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.geometry.Box;
import org.voxelspark.geometry.Resampler;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.nifti.NiftiImage;
import scala.Tuple2;

/**
 * The images → series transpose of the group stage (Thunder's "images to series"): from one map
 * per subject to, per voxel block of the reference grid, a dense subjects × voxels matrix of the
 * voxels in the group mask ({@link GroupBlock}).
 *
 * <p><b>Flow.</b> One task per subject reads its map and mask on the executor (never on the driver),
 * sets the voxels outside its mask to NaN ("no data"), resamples it onto the reference grid when its
 * grid differs ({@link Resampler}: trilinear over the valid neighbours for the map; the NaN carries
 * the mask), and cuts it into the reference grid's regular blocks; only blocks where the subject has
 * data are shuffled, keyed by block id. Each block's values are then gathered into one matrix.
 *
 * <p><b>Group mask.</b> A voxel enters the analysis when it is in the given mask (if any) and at least
 * {@code minCoverage} subjects have data there. With {@code minCoverage = n} (the default in the
 * group stage) that is the intersection of the subjects' masks; below it, voxels missing in some
 * subjects keep NaN in those rows and the statistics use each voxel's own N.
 *
 * <p>The result equals {@link #wholeVolume} — the same transpose done in one process on the whole
 * volume — value for value; the Spark test checks it.
 */
public final class GroupTranspose {
  private GroupTranspose() {}

  /** The per-subject preparation: map with NaN outside the mask, on the reference grid. */
  static float[] prepare(SubjectMap s, VolumeGeometry reference, org.apache.hadoop.conf.Configuration conf) {
    NiftiImage image = HadoopFiles.readNifti(s.map(), conf, VoxelLayout.VOLUME_MAJOR);
    VolumeGeometry grid = image.header().geometry();
    int voxels = grid.voxelCount();
    int volumes = image.header().nt();
    if (s.volume() >= volumes) {
      throw new UserInputException(s.map(), "dim[4]", "has " + volumes + " volume(s); volume " + (s.volume() + 1) + " is needed");
    }
    float[] values = Arrays.copyOfRange(image.data(), s.volume() * voxels, (s.volume() + 1) * voxels);
    if (s.mask() != null) {
      NiftiImage mask = HadoopFiles.readNifti(s.mask(), conf, VoxelLayout.VOLUME_MAJOR);
      if (mask.header().nt() != 1) {
        throw new UserInputException(s.mask(), "dim", "has " + mask.header().nt() + " volumes; a brain mask is one 3-D volume");
      }
      if (!mask.header().geometry().sameGrid(grid, VolumeGeometry.DEFAULT_AFFINE_TOLERANCE_MM)) {
        throw new UserInputException(s.mask(), "", "brain mask grid " + mask.header().geometry() + " differs from its map's "
            + grid + " (" + s.map() + ")");
      }
      float[] m = mask.data();
      for (int v = 0; v < voxels; v++) {
        if (m[v] == 0) {
          values[v] = Float.NaN;
        }
      }
    } else {
      for (int v = 0; v < voxels; v++) {
        if (values[v] == 0 || !Float.isFinite(values[v])) {
          values[v] = Float.NaN;
        }
      }
    }
    for (int v = 0; v < voxels; v++) {
      if (Float.isInfinite(values[v])) {
        values[v] = Float.NaN;
      }
    }
    return Resampler.needed(grid, reference)
        ? Resampler.resample(values, grid, reference, Resampler.Interpolation.TRILINEAR, Float.NaN) : values;
  }

  /** One subject's values in one block's core (NaN = no data), before gathering. */
  public record SubjectBlock(int row, float[] values) implements Serializable {}

  /**
   * The transpose on Spark.
   *
   * @param subjects one map per subject, rows 0..n−1
   * @param reference the grid of the analysis
   * @param groupMask optional mask on the reference grid (null: every voxel)
   * @param blockSize edge of the cubic blocks, voxels
   * @param minCoverage fewest subjects with data for a voxel to enter the analysis (1..n)
   * @param partitions partitions of the gathered blocks
   */
  public static JavaRDD<GroupBlock> blocks(JavaSparkContext jsc, List<SubjectMap> subjects, VolumeGeometry reference,
      boolean[] groupMask, int blockSize, int minCoverage, int partitions, SerializableConfiguration conf) {
    BlockGrid grid = BlockGrid.regular(reference, blockSize, 0);
    JavaPairRDD<Integer, SubjectBlock> pieces = jsc.parallelize(subjects, Math.max(1, Math.min(subjects.size(),
        jsc.defaultParallelism() * 4))).flatMapToPair(cut(grid, reference, conf));
    return pieces.groupByKey(partitions).flatMap(gather(grid, subjects.size(), groupMask, minCoverage));
  }

  private static PairFlatMapFunction<SubjectMap, Integer, SubjectBlock> cut(BlockGrid grid, VolumeGeometry reference,
      SerializableConfiguration conf) {
    return s -> {
      float[] values = prepare(s, reference, conf.get());
      List<Tuple2<Integer, SubjectBlock>> out = new ArrayList<>();
      for (Block b : grid.blocks()) {
        float[] core = BlockGrid.extract(values, reference.nx(), reference.ny(), reference.nz(), 1, VoxelLayout.VOXEL_MAJOR,
            b.core(), VoxelLayout.VOXEL_MAJOR);
        boolean any = false;
        for (float v : core) {
          if (!Float.isNaN(v)) {
            any = true;
            break;
          }
        }
        if (any) {
          out.add(new Tuple2<>(b.id(), new SubjectBlock(s.row(), core)));
        }
      }
      return out.iterator();
    };
  }

  private static FlatMapFunction<Tuple2<Integer, Iterable<SubjectBlock>>, GroupBlock> gather(BlockGrid grid, int n,
      boolean[] groupMask, int minCoverage) {
    return pair -> {
      Block b = grid.block(pair._1());
      float[][] rows = new float[n][];
      for (SubjectBlock sb : pair._2()) {
        float[] have = rows[sb.row()];
        if (have == null) {
          rows[sb.row()] = sb.values();
        } else { // a subject's block read in several pieces (voxel-table rows from several partitions)
          float[] more = sb.values();
          for (int q = 0; q < more.length; q++) {
            if (!Float.isNaN(more[q])) {
              have[q] = more[q];
            }
          }
        }
      }
      GroupBlock g = assemble(b, rows, grid.nx(), grid.ny(), groupMask, minCoverage);
      return g == null ? java.util.Collections.emptyIterator() : List.of(g).iterator();
    };
  }

  /**
   * The transpose read from the cohort's Parquet voxel table instead of the NIfTI maps: for each
   * subject, the rows of its run (its in-mask voxels) of the metric's column, cut into the reference
   * grid's blocks inside each Spark partition and gathered exactly as {@link #blocks}; voxels without a
   * row are no data. Only for runs on the reference grid (no resampling: the table holds the runs' own
   * voxels; use the maps otherwise). The same values as the maps, so the same blocks.
   *
   * @param table the modality's table directory ({@link org.voxelspark.table.VoxelTable#directory})
   * @param metric the metric column
   */
  public static JavaRDD<GroupBlock> blocksFromTable(org.apache.spark.sql.SparkSession spark, String table, String metric,
      List<SubjectMap> subjects, VolumeGeometry reference, boolean[] groupMask, int blockSize, int minCoverage, int partitions) {
    BlockGrid grid = BlockGrid.regular(reference, blockSize, 0);
    java.util.Map<String, Integer> rowOf = new java.util.HashMap<>();
    subjects.forEach(s -> rowOf.put(s.subjectKey(), s.row()));
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = spark.read().parquet(table)
        .select(org.voxelspark.table.VoxelTable.SUBJECT, org.voxelspark.table.VoxelTable.VOXEL, metric)
        .where(org.apache.spark.sql.functions.col(org.voxelspark.table.VoxelTable.SUBJECT).isin(rowOf.keySet().toArray()));
    return rows.javaRDD().mapPartitionsToPair(cutRows(grid, reference, rowOf)).groupByKey(partitions)
        .flatMap(gather(grid, subjects.size(), groupMask, minCoverage));
  }

  private static PairFlatMapFunction<java.util.Iterator<org.apache.spark.sql.Row>, Integer, SubjectBlock> cutRows(BlockGrid grid,
      VolumeGeometry reference, java.util.Map<String, Integer> rowOf) {
    return it -> {
      int nx = reference.nx();
      int ny = reference.ny();
      java.util.Map<Long, float[]> pieces = new java.util.HashMap<>();
      while (it.hasNext()) {
        org.apache.spark.sql.Row r = it.next();
        int row = rowOf.get(r.getString(0));
        int voxel = r.getInt(1);
        int i = voxel % nx;
        int j = (voxel / nx) % ny;
        int k = voxel / (nx * ny);
        Block b = grid.blockOf(i, j, k);
        float[] values = pieces.computeIfAbsent(((long) b.id() << 32) | row, x -> {
          float[] a = new float[b.core().voxelCount()];
          Arrays.fill(a, Float.NaN);
          return a;
        });
        float v = r.getFloat(2);
        values[b.core().localIndex(i, j, k)] = Float.isFinite(v) ? v : Float.NaN;
      }
      List<Tuple2<Integer, SubjectBlock>> out = new ArrayList<>(pieces.size());
      pieces.forEach((key, values) -> out.add(new Tuple2<>((int) (key >>> 32), new SubjectBlock((int) (long) key, values))));
      return out.iterator();
    };
  }

  /**
   * Gathers the block's rows (null = a subject without data in the block) into a {@link GroupBlock}
   * of the voxels in the group mask, or null when none is.
   */
  static GroupBlock assemble(Block b, float[][] rows, int nx, int ny, boolean[] groupMask, int minCoverage) {
    Box core = b.core();
    int n = rows.length;
    int coreVoxels = core.voxelCount();
    int[] coverage = new int[coreVoxels];
    for (float[] r : rows) {
      if (r != null) {
        for (int q = 0; q < coreVoxels; q++) {
          coverage[q] += Float.isNaN(r[q]) ? 0 : 1;
        }
      }
    }
    int[] keep = new int[coreVoxels];
    int[] flat = new int[coreVoxels];
    int kept = 0;
    int q = 0;
    for (int k = core.k0(); k < core.k1(); k++) {
      for (int j = core.j0(); j < core.j1(); j++) {
        for (int i = core.i0(); i < core.i1(); i++, q++) {
          int voxel = i + nx * (j + ny * k);
          if (coverage[q] >= minCoverage && (groupMask == null || groupMask[voxel])) {
            keep[kept] = q;
            flat[kept++] = voxel;
          }
        }
      }
    }
    if (kept == 0) {
      return null;
    }
    double[] y = new double[n * kept];
    int[] cov = new int[kept];
    for (int c = 0; c < kept; c++) {
      cov[c] = coverage[keep[c]];
    }
    for (int s = 0; s < n; s++) {
      float[] r = rows[s];
      for (int c = 0; c < kept; c++) {
        y[s * kept + c] = r == null ? Double.NaN : r[keep[c]];
      }
    }
    return new GroupBlock(b.id(), Arrays.copyOf(flat, kept), n, y, cov);
  }

  /**
   * The same transpose in one process over the whole volume (the reference the Spark result must
   * equal): every subject prepared, every block assembled, blocks in id order.
   */
  public static List<GroupBlock> wholeVolume(List<SubjectMap> subjects, VolumeGeometry reference, boolean[] groupMask,
      int blockSize, int minCoverage, org.apache.hadoop.conf.Configuration conf) {
    BlockGrid grid = BlockGrid.regular(reference, blockSize, 0);
    float[][] prepared = new float[subjects.size()][];
    for (SubjectMap s : subjects) {
      prepared[s.row()] = prepare(s, reference, conf);
    }
    List<GroupBlock> out = new ArrayList<>();
    for (Block b : grid.blocks()) {
      float[][] rows = new float[subjects.size()][];
      for (int s = 0; s < rows.length; s++) {
        rows[s] = BlockGrid.extract(prepared[s], reference.nx(), reference.ny(), reference.nz(), 1, VoxelLayout.VOXEL_MAJOR,
            b.core(), VoxelLayout.VOXEL_MAJOR);
      }
      GroupBlock g = assemble(b, rows, reference.nx(), reference.ny(), groupMask, minCoverage);
      if (g != null) {
        out.add(g);
      }
    }
    return out;
  }
}
