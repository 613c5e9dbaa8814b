package org.voxelspark.meta;

import java.io.Serializable;

/**
 * The outputs of one {@link MetaAnalysis#pool} call for v voxels (or ROIs): one {@code double[v]}
 * per {@link MetaOutput}, the number of sites pooled {@code k[v]} and the {@link MetaReason} code
 * {@code reason[v]}. The arrays are the live arrays (no copies), filled by {@code pool}.
 */
public final class MetaMaps implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int voxels;
  private final double[][] outputs;
  private final int[] k;
  private final byte[] reason;

  public MetaMaps(int voxels) {
    this.voxels = voxels;
    outputs = new double[MetaOutput.values().length][voxels];
    k = new int[voxels];
    reason = new byte[voxels];
  }

  public int voxels() {
    return voxels;
  }

  /** The live array of {@code output}. */
  public double[] get(MetaOutput output) {
    return outputs[output.ordinal()];
  }

  /** Sites pooled per voxel (finite effect, finite positive variance). */
  public int[] k() {
    return k;
  }

  /** {@link MetaReason#code()} per voxel. */
  public byte[] reason() {
    return reason;
  }

  public double value(MetaOutput output, int voxel) {
    return outputs[output.ordinal()][voxel];
  }

  public MetaReason reason(int voxel) {
    return MetaReason.ofCode(reason[voxel]);
  }

  /** Voxels per reason, indexed by {@link MetaReason#code()}. */
  public long[] reasonCounts() {
    long[] counts = new long[MetaReason.values().length];
    for (byte r : reason) {
      counts[r]++;
    }
    return counts;
  }
}
