package org.voxelspark.config;

import java.util.List;
import org.voxelspark.dti.GradientTable;
import org.voxelspark.dti.TensorFitMethod;
import org.voxelspark.reho.AlffKernel;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoPreset;
import org.voxelspark.sample.SampleCohortSpec;

/**
 * Every option of the voxelspark commands, one constant per long name. {@code conf/voxelspark.conf}
 * documents them with their defaults (a test keeps the two in step).
 */
public final class VoxelsparkOptions {
  private VoxelsparkOptions() {}

  public static final OptionSpec<List<String>> PARTICIPANT_LABEL = OptionSpec.ofList("participant-label",
      "process only these subjects (labels with or without 'sub-'); default all");
  public static final OptionSpec<String> SITE_COLUMN = OptionSpec.ofString("site-column",
      "participants.tsv column that names each subject's site", "site");
  public static final OptionSpec<String> TASK = OptionSpec.ofString("task",
      "BOLD task label to process (files *_task-<task>*_bold.nii[.gz])", "rest");
  public static final OptionSpec<Integer> BLOCK_SIZE = OptionSpec.ofInt("block-size",
      "edge of the cubic voxel blocks the volumes are cut into, in voxels", 32, 4, 512);
  public static final OptionSpec<Double> B0_THRESHOLD = OptionSpec.ofDouble("b0-threshold",
      "largest b-value (s/mm^2) treated as b = 0", GradientTable.DEFAULT_B0_THRESHOLD, 0, 1000);
  public static final OptionSpec<TensorFitMethod> DTI_METHOD = OptionSpec.ofEnum("dti-method",
      "diffusion tensor fit: ordinary, DIPY's weighted, or MRtrix's iteratively reweighted least squares",
      TensorFitMethod.class, TensorFitMethod.WLS);
  public static final OptionSpec<RehoPreset> REHO_PRESET = OptionSpec.ofEnum("reho-preset",
      "ReHo conventions of the tool to match (ties, tie correction, volume edge)", RehoPreset.class, RehoPreset.DPABI);
  public static final OptionSpec<Neighbourhood> REHO_NEIGHBOURS = OptionSpec.ofEnum("reho-neighbours",
      "ReHo neighbourhood: faces, + edges, + corners", Neighbourhood.class, Neighbourhood.NN27);
  public static final OptionSpec<Double> ALFF_LOW_HZ = OptionSpec.ofDouble("alff-low-hz",
      "lower edge of the ALFF band, Hz", AlffKernel.DEFAULT_LOW_HZ, 0, 10);
  public static final OptionSpec<Double> ALFF_HIGH_HZ = OptionSpec.ofDouble("alff-high-hz",
      "upper edge of the ALFF band, Hz", AlffKernel.DEFAULT_HIGH_HZ, 0, 10);
  public static final OptionSpec<Boolean> FAIL_FAST = OptionSpec.ofFlag("fail-fast",
      "stop at the first subject that fails instead of recording it and going on");
  public static final OptionSpec<Integer> N_CPUS = OptionSpec.ofInt("n-cpus",
      "cores for the embedded local mode (0 = all); ignored when a Spark --master is given after --", 0, 0, 4096);

  public static final OptionSpec<Long> SEED = OptionSpec.ofLong("seed",
      "seed of the sample cohort generator: the same seed gives byte-identical files", SampleCohortSpec.DEFAULT_SEED);
  public static final OptionSpec<SampleCohortSpec.Scale> SCALE = OptionSpec.ofEnum("scale",
      "size of the sample cohort's images", SampleCohortSpec.Scale.class, SampleCohortSpec.Scale.DEMO);

  /** Options of the participant stage. */
  public static final List<OptionSpec<?>> PARTICIPANT =
      List.of(PARTICIPANT_LABEL, SITE_COLUMN, TASK, BLOCK_SIZE, B0_THRESHOLD, DTI_METHOD, REHO_PRESET, REHO_NEIGHBOURS, ALFF_LOW_HZ,
          ALFF_HIGH_HZ, FAIL_FAST, N_CPUS);
  /** Options of {@code validate}. */
  public static final List<OptionSpec<?>> VALIDATE = List.of(PARTICIPANT_LABEL, SITE_COLUMN, TASK);
  /** Options of {@code sample}. */
  public static final List<OptionSpec<?>> SAMPLE = List.of(SEED, SCALE);

  /** Every option of every command, each once, in documentation order. */
  public static final List<OptionSpec<?>> ALL =
      List.of(PARTICIPANT_LABEL, SITE_COLUMN, TASK, BLOCK_SIZE, B0_THRESHOLD, DTI_METHOD, REHO_PRESET, REHO_NEIGHBOURS, ALFF_LOW_HZ,
          ALFF_HIGH_HZ, FAIL_FAST, N_CPUS, SEED, SCALE);
}
