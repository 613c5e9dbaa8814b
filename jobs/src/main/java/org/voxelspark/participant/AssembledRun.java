package org.voxelspark.participant;

import java.io.Serializable;
import java.util.List;
import org.voxelspark.error.UserInputException;
import org.voxelspark.nifti.NiftiHeader;

/**
 * A run's kernel output reassembled from its blocks into whole volumes, or its failure.
 *
 * @param task the run
 * @param header the input image's header (grid and affine of the outputs)
 * @param channels values per voxel
 * @param values {@code channels × voxels}, channel-major: channel c of voxel v (NIfTI order) at
 *     {@code c·voxels + v}, so each map's volumes are one contiguous range (null when failed)
 * @param problems why it failed, empty on success
 * @param errorClass class of the failure, or null
 * @param blocks number of blocks that were computed
 * @param nonFiniteVoxels voxels left out of the mask for a non-finite sample ({@link RunPlan})
 */
public record AssembledRun(RunTask task, NiftiHeader header, int channels, float[] values,
    List<UserInputException.Problem> problems, String errorClass, int blocks, int nonFiniteVoxels) implements Serializable {
  public boolean failed() {
    return !problems.isEmpty();
  }

  /** The same values for another task (the run with its outputs directed to a staging directory). */
  public AssembledRun withTask(RunTask other) {
    return new AssembledRun(other, header, channels, values, problems, errorClass, blocks, nonFiniteVoxels);
  }

  /** Channels {@code c .. c+count−1} as {@code count} volumes, volume-major, i fastest (a copy). */
  public float[] channels(int c, int count) {
    int voxels = values.length / channels;
    return java.util.Arrays.copyOfRange(values, c * voxels, (c + count) * voxels);
  }

  /** The values a derivative map holds: its channels, normalised over the run's mask if it says so. */
  public float[] map(DerivativeNames map) {
    if (map.normalisation().smoothed()) {
      throw new IllegalStateException(map.suffix() + " is a smoothed map: use map(map, fwhmMm)");
    }
    return map(map, 0);
  }

  /**
   * As {@link #map(DerivativeNames)}, and for a smoothed map the normalised map then smoothed with
   * {@link org.voxelspark.signal.GaussianSmoothing} of {@code smoothingFwhmMm} over the input's voxel
   * sizes (the lengths of the affine's columns, in mm), on the whole reassembled volume.
   */
  public float[] map(DerivativeNames map, double smoothingFwhmMm) {
    if (map.normalisation().smoothed()) {
      if (!(smoothingFwhmMm > 0)) {
        throw new IllegalStateException(map.suffix() + " needs a smoothing FWHM > 0, got " + smoothingFwhmMm);
      }
      DerivativeNames base = new DerivativeNames(map.kind(), map.channel(), map.channelCount(), map.suffix(),
          map.description(), map.units(), map.datatype(), map.normalisation().unsmoothed());
      double toMm = header.spatialUnitsToMm();
      double[] voxelSize = {header.affine().columnNorm(0) * toMm, header.affine().columnNorm(1) * toMm,
          header.affine().columnNorm(2) * toMm};
      return new org.voxelspark.signal.GaussianSmoothing(smoothingFwhmMm, voxelSize)
          .apply(map(base), header.nx(), header.ny(), header.nz());
    }
    float[] raw = channels(map.channel(), map.channelCount());
    int voxels = values.length / channels;
    switch (map.normalisation()) {
      case NONE -> {
        return raw;
      }
      case FSL_TO_WORLD -> {
        double[][] rot = header.affine().unitColumns();
        boolean flip = header.affine().determinant() > 0;
        double[] w = new double[3];
        float[] out = new float[raw.length];
        for (int v = 0; v < voxels; v++) {
          org.voxelspark.dti.GradientTable.fslToWorld(rot, flip, raw[v], raw[voxels + v], raw[2 * voxels + v], w);
          for (int c = 0; c < 3; c++) {
            out[c * voxels + v] = (float) w[c];
          }
        }
        return out;
      }
      case TENSOR_FSL_ORDER -> {
        float[] out = new float[raw.length];
        for (int q = 0; q < 6; q++) {
          int from = org.voxelspark.dti.TensorComponent.Order.FSL.component(q).ordinal();
          System.arraycopy(raw, from * voxels, out, q * voxels, voxels);
        }
        return out;
      }
      case COLOUR_FA -> {
        float[] fa = channel(ParticipantKernels.DWI_TENSOR + org.voxelspark.dti.TensorFitter.FA);
        float[] rgb = new float[voxels * 3]; // components interleaved, as NIfTI RGB24 stores them
        for (int v = 0; v < voxels; v++) {
          double f = Math.max(0, Math.min(1, fa[v]));
          for (int c = 0; c < 3; c++) {
            double x = Math.abs(raw[c * voxels + v]);
            rgb[3 * v + c] = Float.isNaN(raw[c * voxels + v]) ? 0f : (float) Math.rint(255 * Math.min(1, x) * f);
          }
        }
        return rgb;
      }
      default -> {
        // the mask normalisations below
      }
    }
    float[] maskChannel = channel(DerivativeNames.maskChannel(task.kind()));
    boolean[] mask = new boolean[maskChannel.length];
    for (int v = 0; v < mask.length; v++) {
      mask[v] = maskChannel[v] != 0;
    }
    return map.normalisation() == DerivativeNames.Normalisation.MEAN_SCALED
        ? org.voxelspark.qc.MaskNormalisation.meanScaled(raw, mask)
        : org.voxelspark.qc.MaskNormalisation.zScored(raw, mask);
  }

  /** Channel {@code c} as one volume, i fastest. */
  public float[] channel(int c) {
    return channels(c, 1);
  }
}
