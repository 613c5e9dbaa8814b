package org.voxelspark.group;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Resampler;
import org.voxelspark.geometry.VolumeGeometry;
import org.voxelspark.geometry.VoxelLayout;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.io.SerializableConfiguration;
import org.voxelspark.nifti.NiftiImage;
import org.voxelspark.stats.GroupAnalysis;
import org.voxelspark.stats.design.Design;
import org.voxelspark.stats.roi.RoiMeans;

/**
 * ROI statistics (the analysis of Tu et al. 2015): each subject's mean of the metric over every ROI
 * of a label atlas, then the same GLM and permutation inference on the subjects × ROIs matrix, with
 * FWE correction over the ROIs.
 *
 * <p>The atlas is a label image (non-negative integers, 0 = background) in the analysis' space; it is
 * resampled onto the reference grid with nearest-neighbour interpolation when its grid differs. Its
 * label table is a TSV with a header, the first column the label index and the second its name
 * (e.g. {@code index  name}); labels missing from the table are named {@code label-<index>}. A
 * subject's ROI mean is over the ROI's voxels in the group mask where that subject has data; the
 * number of voxels averaged is reported per subject and ROI.
 */
public final class GroupRois {
  private GroupRois() {}

  /**
   * The ROI analysis.
   *
   * @param rois ROI labels, ascending
   * @param names their names
   * @param means subject-major {@code n × R} means (NaN where a subject has no voxel in the ROI)
   * @param voxels subject-major {@code n × R} numbers of voxels averaged
   * @param analysis the GLM and inference on the means
   */
  public record Result(int[] rois, List<String> names, double[] means, int[] voxels, GroupAnalysis.Result analysis) {}


  /** The atlas labels on the reference grid. */
  public static int[] atlasLabels(String atlas, VolumeGeometry reference, Configuration conf) {
    NiftiImage image = HadoopFiles.readNifti(atlas, conf, VoxelLayout.VOLUME_MAJOR);
    if (image.header().nt() != 1) {
      throw new UserInputException(atlas, "dim[4]", "an atlas must be a 3-D label image, it has " + image.header().nt()
          + " volumes");
    }
    float[] values = image.data();
    if (Resampler.needed(image.header().geometry(), reference)) {
      values = Resampler.resample(values, image.header().geometry(), reference, Resampler.Interpolation.NEAREST, 0);
    }
    return RoiMeans.labels(values, atlas);
  }

  /** The label table: index → name (empty when {@code uri} is null). */
  public static Map<Integer, String> labelTable(String uri, Configuration conf) {
    Map<Integer, String> names = new LinkedHashMap<>();
    if (uri == null) {
      return names;
    }
    String[] lines = HadoopFiles.readText(uri, conf).replace("\r\n", "\n").split("\n");
    for (int l = 1; l < lines.length; l++) {
      if (lines[l].isBlank()) {
        continue;
      }
      String[] f = lines[l].split("\t");
      if (f.length < 2) {
        throw new UserInputException(uri, "row " + (l + 1), "needs two tab-separated columns: label index and name");
      }
      try {
        names.put(Integer.parseInt(f[0].trim()), f[1].trim());
      } catch (NumberFormatException e) {
        throw new UserInputException(uri, "row " + (l + 1), "'" + f[0] + "' is not an integer label index");
      }
    }
    return names;
  }

  /** A block's per-subject sums and counts over each ROI. */
  public record BlockSums(int blockId, double[] sums, int[] counts) implements Serializable {}

  /**
   * Runs the ROI analysis: per block, each subject's sum and count of the metric over each ROI's
   * voxels of the group mask where the subject has data; the blocks' sums added on the driver in
   * block-id order (deterministic); then the GLM and permutation inference (FWE over the ROIs) on
   * the subjects × ROIs means. The blocks are those the voxelwise analysis uses (harmonised when
   * ComBat is on), so ROI and voxelwise results describe the same data.
   */
  public static Result analyse(JavaSparkContext jsc, JavaRDD<GroupBlock> blocks, GroupInputs inputs, Design design,
      String atlas, String labelTable, GroupSettings settings, SerializableConfiguration conf) {
    int[] labels = atlasLabels(atlas, inputs.reference(), conf.get());
    int[] rois = RoiMeans.roisOf(labels);
    if (rois.length == 0) {
      throw new UserInputException(atlas, "", "the atlas has no label > 0 on the analysis grid");
    }
    Map<Integer, String> table = labelTable(labelTable, conf.get());
    List<String> names = new ArrayList<>();
    for (int r : rois) {
      names.add(table.getOrDefault(r, "label-" + r));
    }
    return analyse(jsc, blocks, design, labels, rois, names, settings);
  }

  /**
   * The same analysis over any labelling of the reference grid, e.g. the clusters of a statistic
   * map ({@link GroupStage}'s mega-vs-meta table per cluster).
   *
   * @param labels one label per voxel of the reference grid (NIfTI order); 0 and labels not in
   *     {@code rois} are no ROI
   * @param rois the ROI labels, ascending
   * @param names their names, in the same order
   */
  public static Result analyse(JavaSparkContext jsc, JavaRDD<GroupBlock> blocks, Design design, int[] labels, int[] rois,
      List<String> names, GroupSettings settings) {
    int n = design.subjects();
    int nr = rois.length;
    List<BlockSums> parts = new ArrayList<>(blocks.map(sums(jsc.broadcast(labels), rois, n)).collect());
    parts.sort((a, b) -> Integer.compare(a.blockId(), b.blockId()));
    double[] sum = new double[n * nr];
    int[] counts = new int[n * nr];
    for (BlockSums b : parts) {
      for (int q = 0; q < sum.length; q++) {
        sum[q] += b.sums()[q];
        counts[q] += b.counts()[q];
      }
    }
    double[] y = new double[n * nr];
    for (int q = 0; q < y.length; q++) {
      y[q] = counts[q] == 0 ? Double.NaN : sum[q] / counts[q];
    }
    GroupAnalysis.Result analysis = GroupAnalysis.run(design, y, nr,
        GroupAnalysis.Options.of(settings.shufflings(), settings.seed()).withTail(settings.tail()));
    return new Result(rois.clone(), List.copyOf(names), y, counts, analysis);
  }

  private static Function<GroupBlock, BlockSums> sums(Broadcast<int[]> labels, int[] rois, int n) {
    return b -> {
      int[] l = labels.value();
      int nr = rois.length;
      int v = b.voxelCount();
      double[] sum = new double[n * nr];
      int[] count = new int[n * nr];
      for (int q = 0; q < v; q++) {
        int slot = java.util.Arrays.binarySearch(rois, l[b.voxels()[q]]);
        if (slot < 0) {
          continue;
        }
        for (int s = 0; s < n; s++) {
          double x = b.y()[s * v + q];
          if (Double.isFinite(x)) {
            sum[s * nr + slot] += x;
            count[s * nr + slot]++;
          }
        }
      }
      return new BlockSums(b.blockId(), sum, count);
    };
  }
}
