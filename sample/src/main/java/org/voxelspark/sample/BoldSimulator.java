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

/**
 * Simulates one subject's resting-state BOLD run.
 *
 * <p>For every voxel in the head: {@code x(t) = B·(1 + A·f(t) + drift(t)) + thermal noise}, then the
 * site's gain and offset, rounded to int16. B and A are the tissue's baseline and fluctuation
 * amplitude; {@code f} is a unit-variance band-limited series (white noise, a 3-point moving
 * average as low-pass, minus a 21-point moving average as high-pass: ≈ 0.01–0.1 Hz at TR 2 s),
 * averaged over the voxel's in-brain 3×3×3 neighbourhood (so neighbours correlate, as in real
 * data), then in the brainstem and precuneus mixed with a regional shared series s:
 * {@code f ← sqrt(1 − w²)·f + w·s}, which raises the concordance (ReHo) there.
 */
final class BoldSimulator {
  private static final int LOW_PASS = 3;
  private static final int HIGH_PASS = 21;

  private BoldSimulator() {}

  static double baseline(int label) {
    return switch (label) {
      case Phantom.SCALP -> 500;
      case Phantom.CSF -> 1300;
      case Phantom.GREY_MATTER, Phantom.PRECUNEUS -> 1000;
      case Phantom.BRAINSTEM -> 900;
      case Phantom.WHITE_MATTER, Phantom.CORPUS_CALLOSUM, Phantom.CST_LEFT, Phantom.CST_RIGHT -> 850;
      default -> 0;
    };
  }

  static double amplitude(int label) {
    return switch (label) {
      case Phantom.GREY_MATTER, Phantom.PRECUNEUS, Phantom.BRAINSTEM -> 0.02;
      case Phantom.CSF -> 0.006;
      case Phantom.SCALP -> 0.01;
      case Phantom.BACKGROUND -> 0;
      default -> 0.012;
    };
  }

  /** The brainstem's shared-signal weight for a participant. */
  static double brainstemWeight(SampleCohortGenerator.Participant p) {
    return SampleCohortGenerator.BRAINSTEM_WEIGHT_BASE
        + (p.patient() ? SampleCohortGenerator.BRAINSTEM_WEIGHT_PER_GRADE * p.severity() : 0);
  }

  static Map<String, Object> simulate(Path root, SampleCohortSpec spec, SiteProfile site, SampleCohortGenerator.Participant p) {
    SampleCohortSpec.Scale sc = spec.scale();
    int[] d = sc.boldDims;
    int nt = sc.boldVolumes;
    Affine affine = SampleCohortGenerator.gridAffine(d, sc.boldVoxelMm, site.rasStorage());
    int[] labels = SampleCohortGenerator.labels(d, affine);
    int nv = labels.length;
    SplittableRandom rnd = SampleCohortGenerator.stream(spec.seed(), p.number(), 3);
    double[] scratch = new double[nt];
    double[] tmp = new double[nt];
    // independent band-limited fluctuations for every voxel in the head (voxel-major)
    double[] f = new double[nv * nt];
    for (int v = 0; v < nv; v++) {
      if (labels[v] != Phantom.BACKGROUND) {
        bandLimited(rnd, scratch, tmp);
        System.arraycopy(scratch, 0, f, v * nt, nt);
      }
    }
    double[] smooth = smoothInBrain(f, labels, d, nt);
    double[] brainstem = new double[nt];
    double[] precuneus = new double[nt];
    bandLimited(rnd, brainstem, tmp);
    bandLimited(rnd, precuneus, tmp);
    double wBs = brainstemWeight(p);
    double drift = 0.01 * rnd.nextGaussian();
    float[] data = new float[nv * nt];
    for (int v = 0; v < nv; v++) {
      int label = labels[v];
      double base = baseline(label);
      double amp = amplitude(label);
      double w = label == Phantom.BRAINSTEM ? wBs : label == Phantom.PRECUNEUS ? SampleCohortGenerator.PRECUNEUS_WEIGHT : 0;
      double keep = Math.sqrt(1 - w * w);
      double[] shared = label == Phantom.BRAINSTEM ? brainstem : precuneus;
      for (int t = 0; t < nt; t++) {
        double x;
        if (label == Phantom.BACKGROUND) {
          x = Math.abs(4 * rnd.nextGaussian());
        } else {
          double fluct = keep * smooth[v * nt + t] + (w > 0 ? w * shared[t] : 0);
          double trend = drift * ((double) t / (nt - 1) - 0.5);
          x = base * (1 + amp * fluct + trend) + site.boldThermalNoise() * base * rnd.nextGaussian();
        }
        data[t * nv + v] = (float) Math.max(0, Math.rint(site.gain() * x + site.offset()));
      }
    }
    Path dir = root.resolve(p.id()).resolve("func");
    String stem = p.id() + "_task-rest_bold";
    NiftiHeader h = NiftiHeader.builder(d[0], d[1], d[2], nt).affine(affine, NiftiHeader.XFORM_SCANNER_ANAT)
        .datatype(NiftiDatatype.INT16).repetitionTimeSeconds(SampleCohortGenerator.TR_SECONDS)
        .description("voxelspark sample BOLD " + p.id()).build();
    Map<String, Object> sidecar = new LinkedHashMap<>();
    sidecar.put("TaskName", "rest");
    sidecar.put("RepetitionTime", SampleCohortGenerator.TR_SECONDS);
    sidecar.put("Manufacturer", site.manufacturer());
    sidecar.put("EchoTime", 0.03);
    sidecar.put("PhaseEncodingDirection", "j-");
    SampleCohortGenerator.writeText(dir.resolve(stem + ".json"), JsonText.write(sidecar));
    NiftiWriter.write(h, data, dir.resolve(stem + ".nii.gz"));
    Map<String, Object> truth = new LinkedHashMap<>();
    truth.put("brainstem_shared_weight", wBs);
    truth.put("bold_drift_fraction", drift);
    truth.put("bold_grid", String.format(Locale.ROOT, "%dx%dx%d x %d volumes, %.1f mm, TR %.1f s",
        d[0], d[1], d[2], nt, sc.boldVoxelMm, SampleCohortGenerator.TR_SECONDS));
    return truth;
  }

  /** Unit-variance band-limited series into {@code out} (see class doc); {@code tmp} is scratch. */
  static void bandLimited(SplittableRandom rnd, double[] out, double[] tmp) {
    int n = out.length;
    for (int t = 0; t < n; t++) {
      tmp[t] = rnd.nextGaussian();
    }
    movingAverage(tmp, out, LOW_PASS);
    movingAverage(out, tmp, HIGH_PASS);
    double mean = 0;
    for (int t = 0; t < n; t++) {
      out[t] -= tmp[t];
      mean += out[t];
    }
    mean /= n;
    double ss = 0;
    for (int t = 0; t < n; t++) {
      out[t] -= mean;
      ss += out[t] * out[t];
    }
    double sd = Math.sqrt(ss / Math.max(1, n - 1));
    for (int t = 0; t < n; t++) {
      out[t] = sd > 0 ? out[t] / sd : 0;
    }
  }

  /** Centred moving average of odd width {@code w}, the window shrunk at the ends. */
  private static void movingAverage(double[] in, double[] out, int w) {
    int half = w / 2;
    int n = in.length;
    for (int t = 0; t < n; t++) {
      int a = Math.max(0, t - half);
      int b = Math.min(n - 1, t + half);
      double s = 0;
      for (int q = a; q <= b; q++) {
        s += in[q];
      }
      out[t] = s / (b - a + 1);
    }
  }

  /** Mean over each in-brain voxel's in-brain 3×3×3 neighbourhood, renormalised to unit SD. */
  private static double[] smoothInBrain(double[] f, int[] labels, int[] d, int nt) {
    double[] out = f.clone();
    for (int k = 0; k < d[2]; k++) {
      for (int j = 0; j < d[1]; j++) {
        for (int i = 0; i < d[0]; i++) {
          int v = i + d[0] * (j + d[1] * k);
          if (!Phantom.inBrain(labels[v])) {
            continue;
          }
          int o = v * nt;
          java.util.Arrays.fill(out, o, o + nt, 0);
          int count = 0;
          for (int dk = -1; dk <= 1; dk++) {
            for (int dj = -1; dj <= 1; dj++) {
              for (int di = -1; di <= 1; di++) {
                int a = i + di;
                int b = j + dj;
                int c = k + dk;
                if (a < 0 || b < 0 || c < 0 || a >= d[0] || b >= d[1] || c >= d[2]) {
                  continue;
                }
                int u = a + d[0] * (b + d[1] * c);
                if (!Phantom.inBrain(labels[u])) {
                  continue;
                }
                count++;
                int src = u * nt;
                for (int t = 0; t < nt; t++) {
                  out[o + t] += f[src + t];
                }
              }
            }
          }
          double ss = 0;
          for (int t = 0; t < nt; t++) {
            out[o + t] /= count;
            ss += out[o + t] * out[o + t];
          }
          double sd = Math.sqrt(ss / Math.max(1, nt - 1));
          for (int t = 0; t < nt; t++) {
            out[o + t] = sd > 0 ? out[o + t] / sd : 0;
          }
        }
      }
    }
    return out;
  }
}
