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
 * <p>Flow ({@link #computeRuns}): one task per run reads the image on its executor (never on the
 * driver), cuts it into blocks with the kernel's halo, runs the kernel block by block, reassembles
 * the block cores into whole volumes in the same task, and writes ({@link #write}, fused into the
 * same Spark stage): nothing is shuffled. {@link #computeBlocks} and {@link #assemble} are the same
 * computation with the blocks as Spark records and a shuffle by run, for block-level processing.
 * A run whose input is wrong, or whose processing throws, becomes a failure record instead of failing
 * the job — unless {@code failFast} is set.
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

  /** Receives the kernel's output for one block's core. */
  @FunctionalInterface
  interface BlockSink {
    void accept(Block block, int channels, float[] values);
  }

  /**
   * Reads a run, plans its kernel and mask, and computes the kernel block by block (each block's
   * halo box extracted from the whole series), handing each block's core values to {@code sink}.
   *
   * @return the run's header and plan
   * @throws UserInputException for a problem with the input
   */
  static RunPlan computeRun(RunTask task, KernelFactory factory, int blockSize, SerializableConfiguration conf, BlockSink sink,
      NiftiHeader[] header, org.voxelspark.spark.StageTimers timers) {
    long t0 = System.nanoTime();
    NiftiImage image = HadoopFiles.readNifti(task.nifti(), conf.get(), VoxelLayout.VOXEL_MAJOR);
    long t1 = System.nanoTime();
    if (timers != null) {
      timers.read().add(t1 - t0);
    }
    NiftiHeader h = image.header();
    if (h.datatype().components() != 1) {
      throw new UserInputException(task.nifti(), "datatype", h.datatype() + " is not a scalar image");
    }
    header[0] = h;
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
      sink.accept(b, kernel.channels(), values);
    }
    if (timers != null) {
      timers.compute().add(System.nanoTime() - t1);
    }
    return plan;
  }

  /**
   * The participant stage's one-stage flow: each run is read, computed block by block and
   * reassembled in its own task, so no block result is shuffled (the tasks of a cohort are its runs,
   * in parallel). A run that fails becomes a failed {@link AssembledRun} unless {@code failFast}.
   *
   * @param blocksDone counts the blocks computed (the progress line reads it)
   * @param timers accumulates the time reading and computing (null: not timed)
   */
  public static JavaRDD<AssembledRun> computeRuns(JavaRDD<RunTask> runs, KernelFactory factory, int blockSize,
      SerializableConfiguration conf, boolean failFast, org.apache.spark.util.LongAccumulator blocksDone,
      org.voxelspark.spark.StageTimers timers) {
    return runs.map(readComputeAndAssemble(factory, blockSize, conf, failFast, blocksDone, timers));
  }

  private static Function<RunTask, AssembledRun> readComputeAndAssemble(KernelFactory factory, int blockSize,
      SerializableConfiguration conf, boolean failFast, org.apache.spark.util.LongAccumulator blocksDone,
      org.voxelspark.spark.StageTimers timers) {
    return task -> {
      try {
        NiftiHeader[] header = new NiftiHeader[1];
        float[][] whole = new float[1][];
        int[] channels = new int[1];
        int[] blocks = new int[1];
        int[] covered = new int[1];
        RunPlan plan = computeRun(task, factory, blockSize, conf, (b, c, values) -> {
          NiftiHeader h = header[0];
          if (whole[0] == null) {
            channels[0] = c;
            whole[0] = new float[(int) h.voxelsPerVolume() * c];
          }
          BlockGrid.insert(values, b.core(), b.core(), c, VoxelLayout.VOXEL_MAJOR, whole[0], h.nx(), h.ny(), h.nz(),
              VoxelLayout.VOLUME_MAJOR);
          blocks[0]++;
          covered[0] += b.core().voxelCount();
        }, header, timers);
        long voxels = header[0].voxelsPerVolume();
        if (covered[0] != voxels) {
          throw new IllegalStateException(task.name() + ": blocks cover " + covered[0] + " of " + voxels + " voxels");
        }
        if (blocksDone != null) {
          blocksDone.add(blocks[0]);
        }
        return new AssembledRun(task, header[0], channels[0], whole[0], List.of(), null, blocks[0], plan.nonFiniteVoxels());
      } catch (UserInputException e) {
        if (failFast) {
          throw e;
        }
        return new AssembledRun(task, null, 0, null, e.problems(), UserInputException.class.getSimpleName(), 0, 0);
      } catch (RuntimeException | OutOfMemoryError e) {
        if (failFast) {
          throw e;
        }
        LOG.error("{} {}: unexpected failure, recorded in failures.tsv (a bug: please report it with this stack trace)",
            task.subjectKey(), task.nifti(), e);
        String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new AssembledRun(task, null, 0, null, List.of(new UserInputException.Problem(task.nifti(), "",
            "processing failed: " + message)), e.getClass().getName(), 0, 0);
      }
    };
  }

  private static PairFlatMapFunction<RunTask, RunTask, BlockResult> readCutAndCompute(KernelFactory factory, int blockSize,
      SerializableConfiguration conf, boolean failFast) {
    return task -> {
      List<Tuple2<RunTask, BlockResult>> out = new ArrayList<>();
      try {
        List<BlockResult> computed = new ArrayList<>();
        RunPlan plan = computeRun(task, factory, blockSize, conf,
            (b, c, values) -> computed.add(new BlockResult(b.id(), b.core(), c, values, List.of(), null, 0)), new NiftiHeader[1],
            null);
        for (BlockResult r : computed) { // the run's non-finite count is known once the plan is made
          out.add(new Tuple2<>(task, new BlockResult(r.blockId(), r.core(), r.channels(), r.values(), List.of(), null,
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
            VoxelLayout.VOLUME_MAJOR);
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
    return write(runs, kernels, conf, softwareVersion, outputRoot, blockSize, committer, null);
  }

  /** As {@link #write(JavaRDD, KernelFactory, SerializableConfiguration, String, String, int, RunCommitter)}, timed. */
  public static JavaRDD<RunResult> write(JavaRDD<AssembledRun> runs, KernelFactory kernels, SerializableConfiguration conf,
      String softwareVersion, String outputRoot, int blockSize, RunCommitter committer, org.voxelspark.spark.StageTimers timers) {
    return runs.map(writeOutputs(kernels, conf, softwareVersion, outputRoot, blockSize, committer, timers));
  }

  private static Function<AssembledRun, RunResult> writeOutputs(KernelFactory kernels, SerializableConfiguration conf,
      String version, String outputRoot, int blockSize, RunCommitter committer, org.voxelspark.spark.StageTimers timers) {
    return run -> {
      long t0 = System.nanoTime();
      try {
        return writeOne(run, kernels, conf, version, outputRoot, blockSize, committer);
      } finally {
        if (timers != null) {
          timers.write().add(System.nanoTime() - t0);
        }
      }
    };
  }

  private static RunResult writeOne(AssembledRun run, KernelFactory kernels, SerializableConfiguration conf, String version,
      String outputRoot, int blockSize, RunCommitter committer) throws java.io.IOException {
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
  }


}
