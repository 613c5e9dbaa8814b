package org.voxelspark.participant;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.kernel.BlockKernel;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.ops.RunCommitter;
import scala.Tuple2;

/**
 * The Spark wiring of the participant stage, as static functions whose closures are built in
 * factories so they capture only their parameters.
 *
 * <p>Flow: one task per run reads the image on its executor (never on the driver), cuts it into
 * blocks with the kernel's halo, and runs the kernel block by block; only the (much smaller) kernel
 * outputs are shuffled, grouped by run, and reassembled into whole volumes. A run whose input is
 * wrong, or whose processing throws, becomes a failure record instead of failing the job — unless
 * {@code failFast} is set.
 */
public final class ParticipantFunctions {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParticipantFunctions.class);

  private ParticipantFunctions() {}

  /** Reads each run, cuts it into blocks and computes the kernel on every block. */
  public static JavaPairRDD<RunTask, BlockResult> computeBlocks(JavaRDD<RunTask> runs, KernelFactory factory, int blockSize,
      SerializableConfiguration conf, boolean failFast) {
    return runs.flatMapToPair(readCutAndCompute(factory, blockSize, conf, failFast));
  }

  /** Groups block results by run and reassembles them into volumes. */
  public static JavaRDD<AssembledRun> assemble(JavaPairRDD<RunTask, BlockResult> blocks, int partitions,
      SerializableConfiguration conf) {
    return blocks.groupByKey(partitions).map(reassemble(conf));
  }

  private static PairFlatMapFunction<RunTask, RunTask, BlockResult> readCutAndCompute(KernelFactory factory, int blockSize,
      SerializableConfiguration conf, boolean failFast) {
    return task -> {
      List<Tuple2<RunTask, BlockResult>> out = new ArrayList<>();
      try {
        NiftiImage image = HadoopFiles.readNifti(task.nifti(), conf.get(), VoxelLayout.VOXEL_MAJOR);
        NiftiHeader h = image.header();
        if (h.datatype().components() != 1) {
          throw new UserInputException(task.nifti(), "datatype", h.datatype() + " is not a scalar image");
        }
        RunPlan plan = factory.plan(task, image, conf.get());
        BlockKernel kernel = plan.kernel();
        int nt = h.nt();
        BlockGrid grid = BlockGrid.regular(h.nx(), h.ny(), h.nz(), blockSize, blockSize, blockSize, kernel.halo());
        float[] series = image.data();
        for (Block b : grid.blocks()) {
          float[] haloSeries = BlockGrid.extract(series, h.nx(), h.ny(), h.nz(), nt, VoxelLayout.VOXEL_MAJOR, b.halo(),
              VoxelLayout.VOXEL_MAJOR);
          float[] values = new float[b.core().voxelCount() * kernel.channels()];
          boolean[] haloMask = plan.mask() == null ? null : BlockGrid.extractMask(plan.mask(), h.nx(), h.ny(), h.nz(), b.halo());
          kernel.compute(haloSeries, nt, b.halo(), b.core(), haloMask, values);
          out.add(new Tuple2<>(task, new BlockResult(b.id(), b.core(), kernel.channels(), values, List.of(), null,
              plan.nonFiniteVoxels())));
        }
      } catch (UserInputException e) {
        if (failFast) {
          throw e;
        }
        out.clear();
        out.add(new Tuple2<>(task, BlockResult.failure(e.problems(), UserInputException.class.getSimpleName())));
      } catch (RuntimeException | OutOfMemoryError e) {
        if (failFast) {
          throw e;
        }
        // a bug keeps its stack trace: in the executor's log (the driver's console in local mode)
        LOG.error("{} {}: unexpected failure, recorded in failures.tsv (a bug: please report it with this stack trace)",
            task.subjectKey(), task.nifti(), e);
        out.clear();
        String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        out.add(new Tuple2<>(task, BlockResult.failure(
            List.of(new UserInputException.Problem(task.nifti(), "", "processing failed: " + message)), e.getClass().getName())));
      }
      return out.iterator();
    };
  }

  private static Function<Tuple2<RunTask, Iterable<BlockResult>>, AssembledRun> reassemble(SerializableConfiguration conf) {
    return pair -> {
      RunTask task = pair._1();
      List<BlockResult> parts = new ArrayList<>();
      for (BlockResult r : pair._2()) {
        if (r.failed()) {
          return new AssembledRun(task, null, 0, null, r.problems(), r.errorClass(), 0, 0);
        }
        parts.add(r);
      }
      NiftiHeader h = HadoopFiles.readNiftiHeader(task.nifti(), conf.get());
      int channels = parts.get(0).channels();
      float[] values = new float[(int) h.voxelsPerVolume() * channels];
      org.voxelspark.geometry.Box whole = org.voxelspark.geometry.Box.of(h.nx(), h.ny(), h.nz());
      int covered = 0;
      for (BlockResult r : parts) {
        BlockGrid.insert(r.values(), r.core(), r.core(), channels, VoxelLayout.VOXEL_MAJOR, values, h.nx(), h.ny(), h.nz(),
            VoxelLayout.VOXEL_MAJOR);
        covered += r.core().voxelCount();
      }
      if (covered != whole.voxelCount()) {
        throw new IllegalStateException(task.name() + ": blocks cover " + covered + " of " + whole.voxelCount() + " voxels");
      }
      return new AssembledRun(task, h, channels, values, List.of(), null, parts.size(), parts.get(0).nonFiniteVoxels());
    };
  }

  /**
   * Writes each assembled run's maps and voxel-table file ({@link ParticipantOutputs}) and commits
   * the run in the run manifest; returns what was written or why the run failed.
   *
   * @param outputRoot the derivatives dataset's root
   * @param blockSize edge of the blocks the voxel table's {@code block_id} refers to
   * @param committer writes a run's files into a staging directory, renames them into place and
   *     then commits its manifest entry ({@link RunCommitter}), so a run's outputs appear complete
   *     or not at all
   */
  public static JavaRDD<RunResult> write(JavaRDD<AssembledRun> runs, KernelFactory kernels, SerializableConfiguration conf,
      String softwareVersion, String outputRoot, int blockSize, RunCommitter committer) {
    return runs.map(writeOutputs(kernels, conf, softwareVersion, outputRoot, blockSize, committer));
  }

  private static Function<AssembledRun, RunResult> writeOutputs(KernelFactory kernels, SerializableConfiguration conf,
      String version, String outputRoot, int blockSize, RunCommitter committer) {
    return run -> {
      if (run.failed()) {
        return new RunResult(run.task(), List.of(), run.problems(), run.errorClass(), 0, 0);
      }
      try {
        // atomic, resumable outputs (org.voxelspark.ops): written under a staging root that mirrors
        // the output root, renamed into place, then committed in the run manifest
        List<String> outputs = committer.writeAndCommit(run.task(), run.blocks(), run.nonFiniteVoxels(), conf.get(),
            (staged, stagedRoot) -> ParticipantOutputs.write(run.withTask(staged), kernels, conf.get(), version, stagedRoot,
                blockSize));
        return new RunResult(run.task(), outputs, List.of(), null, run.blocks(), run.nonFiniteVoxels());
      } catch (UserInputException e) {
        return new RunResult(run.task(), List.of(), e.problems(), UserInputException.class.getSimpleName(), run.blocks(), 0);
      }
    };
  }

}
