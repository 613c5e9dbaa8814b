package org.voxelspark.kernel;

import java.util.List;
import org.voxelspark.geometry.Box;

/**
 * Several kernels run on the same block in one pass; their channels are concatenated in list
 * order (kernel 0's channels first). The halo is the largest of the parts' halos: a voxelwise part
 * simply ignores the extra voxels. Each part keeps its own contract, so the composite's results
 * equal the parts' whole-volume results bit for bit.
 */
public final class CompositeKernel implements BlockKernel {
  private static final long serialVersionUID = 1L;
  private final List<BlockKernel> parts;

  public CompositeKernel(List<BlockKernel> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no kernel");
    }
    this.parts = List.copyOf(parts);
  }

  /** The first channel of part {@code index} in the composite's output. */
  public int firstChannel(int index) {
    int c = 0;
    for (int p = 0; p < index; p++) {
      c += parts.get(p).channels();
    }
    return c;
  }

  @Override
  public int halo() {
    return parts.stream().mapToInt(BlockKernel::halo).max().orElse(0);
  }

  @Override
  public int channels() {
    return parts.stream().mapToInt(BlockKernel::channels).sum();
  }

  @Override
  public void compute(float[] series, int nt, Box halo, Box core, boolean[] mask, float[] out) {
    int voxels = core.voxelCount();
    int total = channels();
    int offset = 0;
    for (BlockKernel part : parts) {
      int c = part.channels();
      float[] partOut = new float[voxels * c];
      part.compute(series, nt, halo, core, mask, partOut);
      for (int v = 0; v < voxels; v++) {
        System.arraycopy(partOut, v * c, out, v * total + offset, c);
      }
      offset += c;
    }
  }
}
