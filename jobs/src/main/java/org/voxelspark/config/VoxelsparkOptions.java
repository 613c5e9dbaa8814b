package org.voxelspark.config;

import java.util.List;
import org.voxelspark.dti.GradientTable;
import org.voxelspark.dti.TensorComponent;
import org.voxelspark.dti.TensorConventions;
import org.voxelspark.dti.TensorFitMethod;
import org.voxelspark.reho.AlffConvention;
import org.voxelspark.ops.ReprocessMode;
import org.voxelspark.reho.AlffKernel;
import org.voxelspark.reho.Neighbourhood;
import org.voxelspark.reho.RehoPreset;
import org.voxelspark.sample.SampleCohortSpec;
import org.voxelspark.signal.Bandpass;
import org.voxelspark.signal.Detrend;
import org.voxelspark.signal.GaussianSmoothing;
import org.voxelspark.stats.perm.Partition;
import org.voxelspark.stats.perm.Tail;

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
      "diffusion tensor fit: ordinary, DIPY's weighted, MRtrix's iteratively reweighted, or DIPY's non-linear least squares",
      TensorFitMethod.class, TensorFitMethod.WLS);
  public static final OptionSpec<TensorConventions> DTI_CONVENTIONS = OptionSpec.ofEnum("dti-conventions",
      "signal floor and eigenvalue bound of the tensor fit: DIPY's (floor 1e-4, FA in [0,1]) or MRtrix's (floor 1e-6 x the"
          + " voxel's max, no bound)", TensorConventions.class, TensorConventions.DIPY);
  public static final OptionSpec<TensorComponent.Order> DTI_TENSOR_ORDER = OptionSpec.ofEnum("dti-tensor-order",
      "volume order of the tensor map: NIfTI's lower-triangular XX,XY,YY,XZ,YZ,ZZ or FSL's XX,XY,XZ,YY,YZ,ZZ",
      TensorComponent.Order.class, TensorComponent.Order.NIFTI);
  public static final OptionSpec<RehoPreset> REHO_PRESET = OptionSpec.ofEnum("reho-preset",
      "ReHo conventions of the tool to match (ties, tie correction, volume edge)", RehoPreset.class, RehoPreset.DPABI);
  public static final OptionSpec<Neighbourhood> REHO_NEIGHBOURS = OptionSpec.ofEnum("reho-neighbours",
      "ReHo neighbourhood: faces, + edges, + corners", Neighbourhood.class, Neighbourhood.NN27);
  public static final OptionSpec<Double> ALFF_LOW_HZ = OptionSpec.ofDouble("alff-low-hz",
      "lower edge of the ALFF band, Hz", AlffKernel.DEFAULT_LOW_HZ, 0, 10);
  public static final OptionSpec<Double> ALFF_HIGH_HZ = OptionSpec.ofDouble("alff-high-hz",
      "upper edge of the ALFF band, Hz", AlffKernel.DEFAULT_HIGH_HZ, 0, 10);
  public static final OptionSpec<AlffConvention> ALFF_CONVENTION = OptionSpec.ofEnum("alff-convention",
      "ALFF/fALFF definition: DPABI's mean FFT amplitude, or C-PAC's SD of the 3dBandpass-filtered series",
      AlffConvention.class, AlffConvention.DPABI);
  public static final OptionSpec<Detrend> BOLD_DETREND = OptionSpec.ofEnum("bold-detrend",
      "polynomial trend removed from each BOLD series before ReHo", Detrend.class, Detrend.NONE);
  public static final OptionSpec<Bandpass> BOLD_BANDPASS = OptionSpec.ofEnum("bold-bandpass",
      "band-pass before ReHo: none, ideal FFT filter, or AFNI 3dBandpass's (with its quadratic detrend)", Bandpass.class,
      Bandpass.NONE);
  public static final OptionSpec<Double> BOLD_BANDPASS_LOW_HZ = OptionSpec.ofDouble("bold-bandpass-low-hz",
      "lower edge of the band-pass before ReHo, Hz", AlffKernel.DEFAULT_LOW_HZ, 0, 10);
  public static final OptionSpec<Double> BOLD_BANDPASS_HIGH_HZ = OptionSpec.ofDouble("bold-bandpass-high-hz",
      "upper edge of the band-pass before ReHo, Hz", AlffKernel.DEFAULT_HIGH_HZ, 0, 10);
  public static final OptionSpec<List<String>> CONFOUNDS = OptionSpec.ofList("confounds",
      "confounds-file columns regressed out of each BOLD series before ReHo and ALFF: names or globs, e.g."
          + " csf,white_matter,trans_?,rot_?; default none");
  public static final OptionSpec<String> CONFOUNDS_DIR = OptionSpec.ofOptionalString("confounds-dir",
      "fMRIPrep derivatives directory holding sub-*/[ses-*/]func/*_desc-confounds_timeseries.tsv;"
          + " default: beside each BOLD file", "DIR");
  public static final OptionSpec<Double> SMOOTH_FWHM_MM = OptionSpec.ofDouble("smooth-fwhm-mm",
      "FWHM of the Gaussian smoothing of the ReHo maps (sReHo, smReHo, szReHo), mm; 0 = no smoothed maps",
      GaussianSmoothing.DEFAULT_FWHM_MM, 0, 50);
  public static final OptionSpec<Boolean> FAIL_FAST = OptionSpec.ofFlag("fail-fast",
      "stop at the first subject that fails instead of recording it and going on");
  public static final OptionSpec<Boolean> REPORTS = OptionSpec.ofSwitch("reports",
      "write an HTML report page per subject (sub-<label>.html) after the maps; --no-reports to skip", true);
  public static final OptionSpec<ReprocessMode> REPROCESS = OptionSpec.ofEnum("reprocess",
      "which runs to compute when the output already holds results: only new or changed ones (inputs' content, settings, "
          + "version, missing outputs), or all", ReprocessMode.class, ReprocessMode.CHANGED);
  public static final OptionSpec<Boolean> PRUNE = OptionSpec.ofFlag("prune",
      "remove the outputs of subjects and runs that are no longer in the input (needs the whole cohort: "
          + "not with --participant-label)");
  public static final OptionSpec<Integer> N_CPUS = OptionSpec.ofInt("n-cpus",
      "cores for the embedded local mode (0 = all); ignored when a Spark --master is given after --", 0, 0, 4096);

  public static final OptionSpec<String> METRIC = OptionSpec.ofString("metric",
      "the map analysed by the group stage: a voxel-table metric column (fa, md, ad, rd, l1..l3, reho, zreho, szreho, alff,"
          + " zalff, falff, ...)", "fa");
  public static final OptionSpec<String> MODEL = OptionSpec.ofString("model",
      "group-stage model over participants.tsv columns, e.g. 'group + age + sex + site' (C(x) forces x categorical;"
          + " '0 + ...' drops the intercept)", "group + age + sex + site");
  public static final OptionSpec<List<String>> CONTRAST = OptionSpec.ofList("contrast",
      "t-contrasts as name=expression, e.g. 'HFSgtHC=group[HFS]' or 'severity=severity'");
  public static final OptionSpec<List<String>> FTEST = OptionSpec.ofList("ftest",
      "F-tests as name=part;part (contrast names, expressions or model terms), e.g. 'site=site'");
  public static final OptionSpec<Integer> PERMUTATIONS = OptionSpec.ofInt("permutations",
      "shufflings for permutation inference, the identity included (1 = parametric only)", 5000, 1, 1_000_000);
  public static final OptionSpec<Long> PERMUTATION_SEED = OptionSpec.ofLong("permutation-seed",
      "seed of the shuffling generator: the same seed gives the same shufflings", 1L);
  public static final OptionSpec<Tail> TAIL = OptionSpec.ofEnum("tail",
      "t-test tail: large positive t (PALM's default) or large |t|", Tail.class, Tail.ONE_SIDED);
  public static final OptionSpec<Partition> PARTITION = OptionSpec.ofEnum("partition",
      "Freedman-Lane partition of the design into effects of interest and nuisance", Partition.class, Partition.RIDGWAY);
  public static final OptionSpec<String> EXCHANGEABILITY_BLOCKS = OptionSpec.ofOptionalString("exchangeability-blocks",
      "participants.tsv column whose levels are exchangeability blocks (shuffle within each, e.g. site); default none", "COLUMN");
  public static final OptionSpec<Boolean> TFCE = OptionSpec.ofFlag("tfce",
      "threshold-free cluster enhancement (H = 2, E = 0.5, 6-connectivity) with FWE p from its permutation null");
  public static final OptionSpec<Double> CLUSTER_THRESHOLD_Z = OptionSpec.ofDouble("cluster-threshold-z",
      "cluster-forming threshold on the z map for cluster extent and mass inference (e.g. 3.1); 0 = none", 0, 0, 50);
  public static final OptionSpec<String> GROUP_MASK = OptionSpec.ofOptionalString("group-mask",
      "a mask NIfTI restricting the group analysis (its grid becomes the analysis grid); default: the subjects' masks", "FILE");
  public static final OptionSpec<Double> MIN_COVERAGE = OptionSpec.ofDouble("min-coverage",
      "fraction of subjects that must have data at a voxel for it to be analysed (1 = intersection of the masks)", 1, 0.01, 1);
  public static final OptionSpec<String> ATLAS = OptionSpec.ofOptionalString("atlas",
      "label image for ROI statistics and cluster peak labels (0 = background); default none", "FILE");
  public static final OptionSpec<String> ATLAS_LABELS = OptionSpec.ofOptionalString("atlas-labels",
      "TSV of the atlas' labels: index and name columns", "FILE");
  public static final OptionSpec<List<String>> WHERE = OptionSpec.ofList("where",
      "analyse only subjects whose participants.tsv values match, as column=value (one column repeated: any of its values;"
          + " several columns: all), e.g. group=HFS; default everyone");
  public static final OptionSpec<org.voxelspark.group.GroupSource> GROUP_SOURCE = OptionSpec.ofEnum("group-source",
      "where the group stage reads the subjects' values: the NIfTI maps (resampled to the analysis grid when needed) or the"
          + " Parquet voxel table (runs on the analysis grid)", org.voxelspark.group.GroupSource.class,
      org.voxelspark.group.GroupSource.MAPS);
  public static final OptionSpec<org.voxelspark.group.Harmonize> HARMONIZE = OptionSpec.ofEnum("harmonize",
      "site harmonisation of the maps before the pooled GLM", org.voxelspark.group.Harmonize.class,
      org.voxelspark.group.Harmonize.NONE);
  public static final OptionSpec<org.voxelspark.harmonize.EmpiricalBayes> COMBAT_EB = OptionSpec.ofEnum("combat-eb",
      "ComBat's empirical Bayes: parametric priors, non-parametric, or none", org.voxelspark.harmonize.EmpiricalBayes.class,
      org.voxelspark.harmonize.EmpiricalBayes.PARAMETRIC);
  public static final OptionSpec<org.voxelspark.harmonize.ComBatAdjustment> COMBAT_ADJUST = OptionSpec.ofEnum("combat-adjust",
      "what ComBat adjusts per site: location and scale, or location only", org.voxelspark.harmonize.ComBatAdjustment.class,
      org.voxelspark.harmonize.ComBatAdjustment.MEAN_AND_VARIANCE);
  public static final OptionSpec<String> COMBAT_REFERENCE_SITE = OptionSpec.ofOptionalString("combat-reference-site",
      "a site ComBat leaves unchanged and maps the others onto; default none (the pooled site)", "SITE");
  public static final OptionSpec<org.voxelspark.harmonize.ComBatConvention> COMBAT_CONVENTION = OptionSpec.ofEnum(
      "combat-convention", "ComBat's numerics: voxelspark's, or neuroCombat 0.2.12's to the last digit",
      org.voxelspark.harmonize.ComBatConvention.class, org.voxelspark.harmonize.ComBatConvention.VOXELSPARK);
  public static final OptionSpec<List<String>> COMBAT_ESTIMATE_WHERE = OptionSpec.ofList("combat-estimate-where",
      "estimate ComBat on these subjects only, as column=value (e.g. group=HC), and apply it to all; default all");
  public static final OptionSpec<String> COMBAT_MODEL = OptionSpec.ofOptionalString("combat-model",
      "apply a saved ComBat model (desc-<metric>_combat.parquet of an earlier run) instead of estimating one", "FILE");
  public static final OptionSpec<org.voxelspark.group.MetaModel> META = OptionSpec.ofEnum("meta",
      "meta-analysis of per-site effects beside the pooled analysis: none, fixed effect, random effects",
      org.voxelspark.group.MetaModel.class, org.voxelspark.group.MetaModel.NONE);
  public static final OptionSpec<org.voxelspark.meta.MetaMethod> META_METHOD = OptionSpec.ofEnum("meta-method",
      "random-effects estimator of tau^2 (with --meta re)", org.voxelspark.meta.MetaMethod.class,
      org.voxelspark.meta.MetaMethod.REML);
  public static final OptionSpec<org.voxelspark.meta.MetaTest> META_TEST = OptionSpec.ofEnum("meta-test",
      "test of the pooled effect: Wald z, or Hartung-Knapp-Sidik-Jonkman t", org.voxelspark.meta.MetaTest.class,
      org.voxelspark.meta.MetaTest.Z);
  public static final OptionSpec<Boolean> EXCLUDE_FAILED = OptionSpec.ofFlag("exclude-failed",
      "leave subjects without a usable map (failed, missing) out of the group stage and list them, instead of stopping");
  public static final OptionSpec<Long> SEED = OptionSpec.ofLong("seed",
      "seed of the sample cohort generator: the same seed gives byte-identical files", SampleCohortSpec.DEFAULT_SEED);
  public static final OptionSpec<Integer> SUBJECTS = OptionSpec.ofInt("subjects",
      "subjects of the sample cohort, spread over sites A, B, C (28 = the demo's 10, 8, 10)", 28, 3, 100_000);
  public static final OptionSpec<SampleCohortSpec.Scale> SCALE = OptionSpec.ofEnum("scale",
      "size of the sample cohort's images", SampleCohortSpec.Scale.class, SampleCohortSpec.Scale.DEMO);

  /** Options of the participant stage. */
  public static final List<OptionSpec<?>> PARTICIPANT =
      List.of(PARTICIPANT_LABEL, SITE_COLUMN, TASK, BLOCK_SIZE, B0_THRESHOLD, DTI_METHOD, DTI_CONVENTIONS, DTI_TENSOR_ORDER,
          REHO_PRESET, REHO_NEIGHBOURS, ALFF_LOW_HZ, ALFF_HIGH_HZ, ALFF_CONVENTION, BOLD_DETREND, BOLD_BANDPASS,
          BOLD_BANDPASS_LOW_HZ, BOLD_BANDPASS_HIGH_HZ, CONFOUNDS, CONFOUNDS_DIR, SMOOTH_FWHM_MM, FAIL_FAST, REPORTS, REPROCESS, PRUNE, N_CPUS);
  /** Options of {@code report}. */
  public static final List<OptionSpec<?>> REPORT = List.of(N_CPUS);
  /** Options of {@code validate}. */
  public static final List<OptionSpec<?>> VALIDATE = List.of(PARTICIPANT_LABEL, SITE_COLUMN, TASK, CONFOUNDS, CONFOUNDS_DIR);
  /** Options of the group stage. */
  public static final List<OptionSpec<?>> GROUP =
      List.of(PARTICIPANT_LABEL, SITE_COLUMN, TASK, METRIC, MODEL, CONTRAST, FTEST, PERMUTATIONS, PERMUTATION_SEED, TAIL, PARTITION,
          EXCHANGEABILITY_BLOCKS, TFCE, CLUSTER_THRESHOLD_Z, GROUP_MASK, MIN_COVERAGE, ATLAS, ATLAS_LABELS, WHERE, GROUP_SOURCE, HARMONIZE,
          COMBAT_EB, COMBAT_ADJUST, COMBAT_REFERENCE_SITE, COMBAT_CONVENTION, COMBAT_ESTIMATE_WHERE, COMBAT_MODEL, META, META_METHOD,
          META_TEST, EXCLUDE_FAILED, REPORTS, REPROCESS, BLOCK_SIZE,
          N_CPUS);
  /** Options of {@code sample}. */
  public static final List<OptionSpec<?>> SAMPLE = List.of(SEED, SUBJECTS, SCALE);

  /** Every option of every command, each once, in documentation order. */
  public static final List<OptionSpec<?>> ALL =
      List.of(PARTICIPANT_LABEL, SITE_COLUMN, TASK, BLOCK_SIZE, B0_THRESHOLD, DTI_METHOD, DTI_CONVENTIONS, DTI_TENSOR_ORDER,
          REHO_PRESET, REHO_NEIGHBOURS, ALFF_LOW_HZ, ALFF_HIGH_HZ, ALFF_CONVENTION, BOLD_DETREND, BOLD_BANDPASS,
          BOLD_BANDPASS_LOW_HZ, BOLD_BANDPASS_HIGH_HZ, CONFOUNDS, CONFOUNDS_DIR, SMOOTH_FWHM_MM, FAIL_FAST, REPORTS, REPROCESS, PRUNE, N_CPUS, METRIC,
          MODEL, CONTRAST, FTEST, PERMUTATIONS, PERMUTATION_SEED, TAIL,
          PARTITION, EXCHANGEABILITY_BLOCKS, TFCE, CLUSTER_THRESHOLD_Z, GROUP_MASK, MIN_COVERAGE, ATLAS, ATLAS_LABELS, WHERE,
          GROUP_SOURCE, HARMONIZE, COMBAT_EB, COMBAT_ADJUST, COMBAT_REFERENCE_SITE, COMBAT_CONVENTION, COMBAT_ESTIMATE_WHERE, COMBAT_MODEL, META,
          META_METHOD, META_TEST, EXCLUDE_FAILED, SEED, SUBJECTS, SCALE);
}
