package org.voxelspark.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.voxelspark.geometry.Affine;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiWriter;

/**
 * Generates the sample cohort: a small multi-site BIDS dataset of hemifacial spasm (HFS) patients
 * and healthy controls (HC) with diffusion and resting-state BOLD runs, whose effects are known.
 *
 * <p><b>What is planted</b> (all recorded in {@code truth/truth.json}, see
 * {@code docs/sample-cohort.md}):
 * <ul>
 *   <li><b>Lower FA in the left corticospinal tract of patients</b>: its radial diffusivity is
 *       multiplied by {@link #PATIENT_RADIAL_FACTOR}, lowering FA from about 0.71 to 0.63.
 *   <li><b>Higher ReHo in the brainstem of patients, rising with severity</b>: brainstem voxels share
 *       a common low-frequency signal with weight {@code w = 0.30 + 0.12·severity} in patients
 *       (Cohen grade 1–4) and {@code w = 0.30} in controls.
 *   <li><b>Site effects</b> ({@link SiteProfile}): intensity gain and offset, diffusivity and
 *       radial-diffusivity biases, DWI noise level, BOLD thermal noise, RAS or LAS storage, and the
 *       b-value written for b = 0 volumes.
 *   <li>A small age effect on diffusivity ({@code × (1 + 0.003·(age − 50))}) and a precuneus region
 *       of moderate BOLD coherence in everybody.
 * </ul>
 *
 * <p><b>Physics.</b> DWI: {@code S = S0·exp(−b·gᵀDg)} per voxel with tissue tensors (b in s/mm², D
 * in mm²/s), Rician noise, then the site's gain and offset, stored as int16. BOLD: per-voxel
 * band-limited (≈ 0.01–0.1 Hz) fluctuations, spatially smoothed inside the brain, plus shared
 * regional signals, a linear drift and thermal noise, stored as int16 (so time series have ties, as
 * real scans do). Gradient directions are fixed in world space and written to the {@code .bvec} in
 * the FSL image frame of each site ({@code v = F·Rᵀ·g}, F = diag(−1, 1, 1) for RAS storage), so
 * the same fibre has the same world direction at every site.
 *
 * <p><b>Determinism.</b> Every subject draws from its own random streams seeded by the master seed
 * and its number, and gzip headers carry no time stamp: the same spec gives byte-identical files.
 */
public final class SampleCohortGenerator {
  /** b-value of the diffusion-weighted volumes, s/mm². */
  public static final double B_VALUE = 1000;
  /** Number of b = 0 volumes, interleaved. */
  public static final int B0_COUNT = 5;
  /** Repetition time of the BOLD runs, seconds. */
  public static final double TR_SECONDS = 2.0;
  /** Radial-diffusivity factor in the left corticospinal tract of patients. */
  public static final double PATIENT_RADIAL_FACTOR = 1.30;
  /** Brainstem shared-signal weight: base, and increase per severity grade in patients. */
  public static final double BRAINSTEM_WEIGHT_BASE = 0.30;
  public static final double BRAINSTEM_WEIGHT_PER_GRADE = 0.12;
  /** Precuneus shared-signal weight (everybody). */
  public static final double PRECUNEUS_WEIGHT = 0.45;

  private SampleCohortGenerator() {}

  /** Summary of what was written. */
  public record Summary(Path root, int subjects, List<String> participantIds) {}

  /** One participant's row of participants.tsv and the parameters drawn for them. */
  record Participant(String id, int number, String site, int siteIndex, boolean patient, double age, String sex,
      int education, Integer severity, Double duration) {}

  /**
   * Command line: {@code <output_dir> [--seed N] [--scale demo|bench|tiny]}. The output directory
   * must not exist or be empty. (The usual entry point is {@code voxelspark sample}; a bad command
   * line here ends with an {@link IllegalArgumentException}, so the JVM exits non-zero.)
   */
  public static void main(String[] args) {
    if (args.length < 1 || args[0].startsWith("-")) {
      throw new IllegalArgumentException("usage: SampleCohortGenerator <output_dir> [--seed N] [--scale demo|bench|tiny]");
    }
    long seed = SampleCohortSpec.DEFAULT_SEED;
    SampleCohortSpec.Scale scale = SampleCohortSpec.Scale.DEMO;
    for (int a = 1; a < args.length; a++) {
      switch (args[a]) {
        case "--seed" -> seed = Long.parseLong(args[++a]);
        case "--scale" -> scale = SampleCohortSpec.Scale.valueOf(args[++a].toUpperCase(Locale.ROOT));
        default -> throw new IllegalArgumentException("unknown option " + args[a]
            + "; usage: SampleCohortGenerator <output_dir> [--seed N] [--scale demo|bench|tiny]");
      }
    }
    SampleCohortSpec demo = SampleCohortSpec.demo(seed);
    Summary s = generate(Paths.get(args[0]), new SampleCohortSpec(seed, demo.sites(), scale));
    System.out.println("sample cohort of " + s.subjects() + " subjects written to " + s.root());
  }

  /**
   * Writes the cohort to {@code root} (created if needed; must be empty if it exists).
   *
   * @throws IllegalArgumentException if {@code root} exists and is not an empty directory
   */
  public static Summary generate(Path root, SampleCohortSpec spec) {
    try {
      if (Files.exists(root)) {
        try (var entries = Files.list(root)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException(root + " exists and is not empty: choose a new directory");
          }
        }
      }
      Files.createDirectories(root.resolve("truth"));
      List<Participant> participants = participants(spec);
      writeDatasetFiles(root, spec);
      writeParticipants(root, participants);
      GradientScheme scheme = GradientScheme.create(spec.scale().directions, B0_COUNT, B_VALUE);
      List<Object> subjectTruth = new ArrayList<>();
      for (int s = 0; s < spec.sites().size(); s++) {
        SiteProfile site = SiteProfile.of(spec.sites().get(s).name(), s);
        writeLabels(root, spec, site);
      }
      for (Participant p : participants) {
        SiteProfile site = SiteProfile.of(p.site(), p.siteIndex());
        Map<String, Object> truth = new LinkedHashMap<>();
        truth.put("participant_id", p.id());
        truth.putAll(DwiSimulator.simulate(root, spec, site, p, scheme));
        truth.putAll(BoldSimulator.simulate(root, spec, site, p));
        subjectTruth.add(truth);
      }
      writeTruth(root, spec, subjectTruth);
      List<String> ids = participants.stream().map(Participant::id).toList();
      return new Summary(root, participants.size(), ids);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the sample cohort to " + root + ": " + e.getMessage(), e);
    }
  }

  /** Demographics and group of every subject, from a per-subject stream. */
  static List<Participant> participants(SampleCohortSpec spec) {
    List<Participant> out = new ArrayList<>();
    int width = Math.max(2, String.valueOf(spec.subjectCount()).length());
    int number = 0;
    for (int s = 0; s < spec.sites().size(); s++) {
      SampleCohortSpec.SiteSpec site = spec.sites().get(s);
      for (int q = 0; q < site.subjects(); q++) {
        number++;
        SplittableRandom r = stream(spec.seed(), number, 1);
        boolean patient = q % 2 == 0; // alternating within a site: about half patients
        double age = Math.round(clamp((patient ? 52 : 50) + 9 * r.nextGaussian(), 25, 78) * 10) / 10.0;
        String sex = r.nextDouble() < (patient ? 0.62 : 0.55) ? "F" : "M";
        int education = (int) Math.round(clamp(12 + 3 * r.nextGaussian(), 6, 20));
        Integer severity = patient ? 1 + r.nextInt(4) : null;
        Double duration = patient ? Math.round((0.5 + 11.5 * r.nextDouble()) * 10) / 10.0 : null;
        String id = String.format(Locale.ROOT, "sub-%0" + width + "d", number);
        out.add(new Participant(id, number, site.name(), s, patient, age, sex, education, severity, duration));
      }
    }
    return out;
  }

  /** A random stream for subject {@code number} and purpose {@code streamId}, independent of the others. */
  static SplittableRandom stream(long seed, int number, int streamId) {
    long mixed = seed * 0x9E3779B97F4A7C15L + number * 0xBF58476D1CE4E5B9L + streamId * 0x94D049BB133111EBL;
    return new SplittableRandom(mixed);
  }

  /** The affine of a site's grid: voxel centres symmetric about the world origin, LAS or RAS. */
  static Affine gridAffine(int[] dims, double voxelMm, boolean ras) {
    double sx = ras ? voxelMm : -voxelMm;
    return Affine.of(new double[][] {
      {sx, 0, 0, -sx * (dims[0] - 1) / 2.0},
      {0, voxelMm, 0, -voxelMm * (dims[1] - 1) / 2.0},
      {0, 0, voxelMm, -voxelMm * (dims[2] - 1) / 2.0}
    });
  }

  /** Label map of a grid: the phantom at each voxel centre. */
  static int[] labels(int[] dims, Affine affine) {
    int[] labels = new int[dims[0] * dims[1] * dims[2]];
    for (int k = 0; k < dims[2]; k++) {
      for (int j = 0; j < dims[1]; j++) {
        for (int i = 0; i < dims[0]; i++) {
          double[] w = affine.voxelToWorld(i, j, k);
          labels[i + dims[0] * (j + dims[1] * k)] = Phantom.label(w[0], w[1], w[2]);
        }
      }
    }
    return labels;
  }

  private static void writeLabels(Path root, SampleCohortSpec spec, SiteProfile site) {
    SampleCohortSpec.Scale sc = spec.scale();
    for (String modality : new String[] {"dwi", "bold"}) {
      int[] dims = modality.equals("dwi") ? sc.dwiDims : sc.boldDims;
      double vox = modality.equals("dwi") ? sc.dwiVoxelMm : sc.boldVoxelMm;
      Affine a = gridAffine(dims, vox, site.rasStorage());
      int[] labels = labels(dims, a);
      float[] data = new float[labels.length];
      for (int q = 0; q < labels.length; q++) {
        data[q] = labels[q];
      }
      NiftiHeader h = NiftiHeader.builder(dims[0], dims[1], dims[2], 1).affine(a, NiftiHeader.XFORM_SCANNER_ANAT)
          .datatype(NiftiDatatype.UINT8).intent(NiftiHeader.INTENT_LABEL, "phantom labels")
          .description("voxelspark sample truth: tissue labels").build();
      NiftiWriter.write(h, data, root.resolve("truth").resolve("site-" + site.name() + "_" + modality + "_labels.nii.gz"));
    }
    StringBuilder table = new StringBuilder("index\tname\n");
    for (int l = 1; l < Phantom.LABEL_NAMES.length; l++) {
      table.append(l).append('\t').append(Phantom.LABEL_NAMES[l]).append('\n');
    }
    writeText(root.resolve("truth").resolve("labels.tsv"), table.toString());
  }

  private static void writeDatasetFiles(Path root, SampleCohortSpec spec) throws IOException {
    Map<String, Object> desc = new LinkedHashMap<>();
    desc.put("Name", "voxelspark sample cohort: hemifacial spasm patients and controls, 3 sites (simulated)");
    desc.put("BIDSVersion", "1.8.0");
    desc.put("DatasetType", "raw");
    desc.put("License", "CC0");
    desc.put("Authors", List.of("voxelspark sample generator"));
    desc.put("GeneratedBy", List.of(Map.of("Name", "voxelspark-sample", "Description",
        "deterministic simulation, seed " + spec.seed() + ", scale " + spec.scale())));
    Files.writeString(root.resolve("dataset_description.json"), JsonText.write(desc), StandardCharsets.UTF_8);
    Files.writeString(root.resolve("README"), """
        voxelspark sample cohort
        ========================
        Simulated hemifacial spasm (HFS) patients and healthy controls (HC) from three sites, with
        diffusion MRI and resting-state BOLD per subject. Every effect is planted and known: see
        truth/truth.json and the voxelspark documentation (docs/sample-cohort.md).
        Generated by voxelspark's SampleCohortGenerator; not real data.
        """, StandardCharsets.UTF_8);
    Files.writeString(root.resolve(".bidsignore"), "truth/\n", StandardCharsets.UTF_8);
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("participant_id", Map.of("Description", "subject label"));
    columns.put("group", Map.of("Description", "diagnostic group",
        "Levels", Map.of("HFS", "hemifacial spasm patient", "HC", "healthy control")));
    columns.put("site", Map.of("Description", "acquisition site (scanner)"));
    columns.put("age", Map.of("Description", "age at scan", "Units", "years"));
    columns.put("sex", Map.of("Description", "sex", "Levels", Map.of("F", "female", "M", "male")));
    columns.put("education", Map.of("Description", "years of formal education", "Units", "years"));
    columns.put("severity", Map.of("Description", "spasm severity, Cohen grade 1-4 (n/a for controls)"));
    columns.put("duration", Map.of("Description", "disease duration (n/a for controls)", "Units", "years"));
    Files.writeString(root.resolve("participants.json"), JsonText.write(columns), StandardCharsets.UTF_8);
  }

  private static void writeParticipants(Path root, List<Participant> participants) throws IOException {
    StringBuilder sb = new StringBuilder("participant_id\tgroup\tsite\tage\tsex\teducation\tseverity\tduration\n");
    for (Participant p : participants) {
      sb.append(p.id()).append('\t').append(p.patient() ? "HFS" : "HC").append('\t').append(p.site()).append('\t')
          .append(String.format(Locale.ROOT, "%.1f", p.age())).append('\t').append(p.sex()).append('\t')
          .append(p.education()).append('\t').append(p.severity() == null ? "n/a" : p.severity().toString()).append('\t')
          .append(p.duration() == null ? "n/a" : String.format(Locale.ROOT, "%.1f", p.duration())).append('\n');
    }
    Files.writeString(root.resolve("participants.tsv"), sb.toString(), StandardCharsets.UTF_8);
  }

  private static void writeTruth(Path root, SampleCohortSpec spec, List<Object> subjects) throws IOException {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("seed", spec.seed());
    t.put("scale", spec.scale().name());
    t.put("labels", List.of(Phantom.LABEL_NAMES));
    Map<String, Object> effects = new LinkedHashMap<>();
    effects.put("fa_patients_cst_left", Map.of(
        "description", "radial diffusivity of the left corticospinal tract x factor in HFS patients (lower FA)",
        "label", Phantom.CST_LEFT, "radial_factor", PATIENT_RADIAL_FACTOR,
        "fa_control", DwiSimulator.TissueTensor.CST.fa(1.0), "fa_patient", DwiSimulator.TissueTensor.CST.fa(PATIENT_RADIAL_FACTOR)));
    effects.put("reho_brainstem_severity", Map.of(
        "description", "brainstem voxels share a low-frequency signal with weight w = base + per_grade * severity (patients), base (controls)",
        "label", Phantom.BRAINSTEM, "base", BRAINSTEM_WEIGHT_BASE, "per_grade", BRAINSTEM_WEIGHT_PER_GRADE));
    effects.put("precuneus_coherence", Map.of("label", Phantom.PRECUNEUS, "weight", PRECUNEUS_WEIGHT));
    effects.put("age_diffusivity", Map.of("description", "every diffusivity x (1 + slope * (age - 50))", "slope", DwiSimulator.AGE_SLOPE));
    t.put("effects", effects);
    List<Object> sites = new ArrayList<>();
    for (int s = 0; s < spec.sites().size(); s++) {
      SiteProfile p = SiteProfile.of(spec.sites().get(s).name(), s);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("site", p.name());
      m.put("manufacturer", p.manufacturer());
      m.put("gain", p.gain());
      m.put("offset", p.offset());
      m.put("dwi_snr_b0_wm", p.dwiSnr());
      m.put("diffusivity_scale", p.diffusivityScale());
      m.put("radial_scale", p.radialScale());
      m.put("bold_thermal_noise", p.boldThermalNoise());
      m.put("storage", p.rasStorage() ? "RAS (det > 0)" : "LAS (det < 0)");
      m.put("b0_value_written", p.b0Value());
      m.put("subjects", spec.sites().get(s).subjects());
      sites.add(m);
    }
    t.put("sites", sites);
    t.put("subjects", subjects);
    Files.writeString(root.resolve("truth").resolve("truth.json"), JsonText.write(t), StandardCharsets.UTF_8);
  }

  static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Writes {@code text} to {@code file}, creating parent directories. */
  static void writeText(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
