package org.voxelspark.sample;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.voxelspark.geometry.Affine;
import org.voxelspark.nifti.NiftiDatatype;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.nifti.NiftiWriter;

/** Simulates one subject's diffusion run (see {@link SampleCohortGenerator} for the model). */
final class DwiSimulator {
  /** Diffusivities × (1 + AGE_SLOPE·(age − 50)). */
  static final double AGE_SLOPE = 0.003;

  /** Tissue tensors: S0 (arbitrary units, before site gain), axial and radial diffusivity in mm²/s. */
  enum TissueTensor {
    BACKGROUND(0, 0, 0),
    SCALP(600, 1.0e-3, 1.0e-3),
    CSF(1800, 3.0e-3, 3.0e-3),
    GREY(1100, 0.8e-3, 0.8e-3),
    WHITE(900, 1.55e-3, 0.45e-3),
    CALLOSUM(900, 1.70e-3, 0.30e-3),
    CST(900, 1.65e-3, 0.38e-3),
    BRAINSTEM(900, 1.50e-3, 0.45e-3);

    final double s0;
    final double axial;
    final double radial;

    TissueTensor(double s0, double axial, double radial) {
      this.s0 = s0;
      this.axial = axial;
      this.radial = radial;
    }

    static TissueTensor of(int label) {
      return switch (label) {
        case Phantom.BACKGROUND -> BACKGROUND;
        case Phantom.SCALP -> SCALP;
        case Phantom.CSF -> CSF;
        case Phantom.GREY_MATTER, Phantom.PRECUNEUS -> GREY;
        case Phantom.WHITE_MATTER -> WHITE;
        case Phantom.CORPUS_CALLOSUM -> CALLOSUM;
        case Phantom.CST_LEFT, Phantom.CST_RIGHT -> CST;
        case Phantom.BRAINSTEM -> BRAINSTEM;
        default -> throw new IllegalArgumentException("label " + label);
      };
    }

    /** FA of a cylindrically symmetric tensor (λ1 = axial, λ2 = λ3 = radial × radialFactor). */
    double fa(double radialFactor) {
      return fractionalAnisotropy(axial, radial * radialFactor);
    }
  }

  /** FA of eigenvalues (a, r, r): {@code sqrt(1/2)·sqrt((a−r)² + (a−r)²) / sqrt(a² + 2r²)}. */
  static double fractionalAnisotropy(double a, double r) {
    double denom = Math.sqrt(a * a + 2 * r * r);
    return denom == 0 ? 0 : Math.sqrt(0.5) * Math.sqrt(2 * (a - r) * (a - r)) / denom;
  }

  private DwiSimulator() {}

  static Map<String, Object> simulate(Path root, SampleCohortSpec spec, SiteProfile site,
      SampleCohortGenerator.Participant p, GradientScheme scheme) {
    SampleCohortSpec.Scale sc = spec.scale();
    int[] dims = sc.dwiDims;
    Affine affine = SampleCohortGenerator.gridAffine(dims, sc.dwiVoxelMm, site.rasStorage());
    int[] labels = SampleCohortGenerator.labels(dims, affine);
    int nv = labels.length;
    int nt = scheme.volumes;
    SplittableRandom rnd = SampleCohortGenerator.stream(spec.seed(), p.number(), 2);
    double sigma = TissueTensor.WHITE.s0 / site.dwiSnr();
    double ageFactor = 1 + AGE_SLOPE * (p.age() - 50);
    float[] data = new float[nv * nt];
    float[] trueFa = new float[nv];
    float[] trueMd = new float[nv];
    double[] e = new double[3];
    for (int k = 0; k < dims[2]; k++) {
      for (int j = 0; j < dims[1]; j++) {
        for (int i = 0; i < dims[0]; i++) {
          int v = i + dims[0] * (j + dims[1] * k);
          int label = labels[v];
          TissueTensor tissue = TissueTensor.of(label);
          double scale = site.diffusivityScale() * ageFactor;
          double axial = tissue.axial * scale;
          double radial = tissue.radial * scale;
          if (tissue.axial != tissue.radial) {
            radial *= site.radialScale();
            if (label == Phantom.CST_LEFT && p.patient()) {
              radial *= SampleCohortGenerator.PATIENT_RADIAL_FACTOR;
            }
          }
          double[] w = affine.voxelToWorld(i, j, k);
          Phantom.fibreDirection(label, w[0], w[1], w[2], e);
          trueFa[v] = (float) fractionalAnisotropy(axial, radial);
          trueMd[v] = (float) ((axial + 2 * radial) / 3);
          for (int t = 0; t < nt; t++) {
            double s;
            if (scheme.isB0(t)) {
              s = tissue.s0;
            } else {
              double gx = scheme.worldDirections[3 * t];
              double gy = scheme.worldDirections[3 * t + 1];
              double gz = scheme.worldDirections[3 * t + 2];
              double cos = gx * e[0] + gy * e[1] + gz * e[2];
              // gᵀDg for D = radial·I + (axial − radial)·e·eᵀ
              double adc = radial + (axial - radial) * cos * cos;
              s = tissue.s0 * Math.exp(-scheme.bvals[t] * adc);
            }
            double re = s + sigma * rnd.nextGaussian();
            double im = sigma * rnd.nextGaussian();
            double magnitude = Math.sqrt(re * re + im * im);
            data[t * nv + v] = (float) Math.max(0, Math.rint(site.gain() * magnitude + site.offset()));
          }
        }
      }
    }
    Path dir = root.resolve(p.id()).resolve("dwi");
    String stem = p.id() + "_dwi";
    NiftiHeader h = NiftiHeader.builder(dims[0], dims[1], dims[2], nt).affine(affine, NiftiHeader.XFORM_SCANNER_ANAT)
        .datatype(NiftiDatatype.INT16).description("voxelspark sample DWI " + p.id()).build();
    SampleCohortGenerator.writeText(dir.resolve(stem + ".bval"), scheme.bvalText(site.b0Value()));
    SampleCohortGenerator.writeText(dir.resolve(stem + ".bvec"), scheme.bvecText(affine));
    Map<String, Object> sidecar = new LinkedHashMap<>();
    sidecar.put("Manufacturer", site.manufacturer());
    sidecar.put("MagneticFieldStrength", 3);
    sidecar.put("PhaseEncodingDirection", "j-");
    sidecar.put("TotalReadoutTime", 0.05);
    sidecar.put("EchoTime", 0.089);
    sidecar.put("RepetitionTime", 8.0);
    SampleCohortGenerator.writeText(dir.resolve(stem + ".json"), JsonText.write(sidecar));
    NiftiWriter.write(h, data, dir.resolve(stem + ".nii.gz"));

    NiftiHeader mh = NiftiHeader.builder(dims[0], dims[1], dims[2], 1).affine(affine, NiftiHeader.XFORM_SCANNER_ANAT)
        .intent(NiftiHeader.INTENT_ESTIMATE, "FA").description("voxelspark sample truth: noise-free FA").build();
    NiftiWriter.write(mh, trueFa, root.resolve("truth").resolve(p.id() + "_desc-truth_FA.nii.gz"));
    NiftiHeader dh = mh.toBuilder().intent(NiftiHeader.INTENT_ESTIMATE, "MD mm2/s")
        .description("voxelspark sample truth: noise-free MD (mm^2/s)").build();
    NiftiWriter.write(dh, trueMd, root.resolve("truth").resolve(p.id() + "_desc-truth_MD.nii.gz"));

    Map<String, Object> truth = new LinkedHashMap<>();
    truth.put("site", p.site());
    truth.put("group", p.patient() ? "HFS" : "HC");
    truth.put("dwi_noise_sigma_stored", sigma * site.gain());
    truth.put("age_diffusivity_factor", ageFactor);
    truth.put("cst_left_true_fa", fractionalAnisotropy(
        TissueTensor.CST.axial, TissueTensor.CST.radial * site.radialScale() * (p.patient() ? SampleCohortGenerator.PATIENT_RADIAL_FACTOR : 1)));
    truth.put("dwi_grid", String.format(Locale.ROOT, "%dx%dx%d x %d volumes, %.1f mm", dims[0], dims[1], dims[2], nt, sc.dwiVoxelMm));
    return truth;
  }
}
