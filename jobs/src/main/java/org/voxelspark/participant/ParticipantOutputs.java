package org.voxelspark.participant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiHeader;
import org.voxelspark.table.VoxelTable;
import org.voxelspark.table.VoxelTableWriter;

/**
 * Writes a run's outputs: for each map the kernels name for its kind ({@link KernelFactory#maps}),
 * a NIfTI-1 {@code .nii.gz} on the input's grid (same affine, sform and qform code 1) and a JSON
 * sidecar with the source files (the image, and the confounds table when one was regressed out),
 * the description, the units, the settings and the software version; then the run's file of the
 * cohort {@link VoxelTable} (its in-mask voxels, the same values as the maps). Every file is written
 * atomically. Each map's values are computed once and serve both the NIfTI and the table.
 */
public final class ParticipantOutputs {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ParticipantOutputs() {}

  /**
   * Writes the outputs of {@code run} (sidecar settings from {@link KernelFactory#parameters});
   * returns the URIs written (NIfTI then JSON per map, then the voxel-table file).
   *
   * @param outputRoot the derivatives dataset's root (where {@code voxels/} lives)
   * @param blockSize edge of the blocks the table's {@code block_id} refers to, voxels
   */
  public static List<String> write(AssembledRun run, KernelFactory kernels, Configuration conf, String version,
      String outputRoot, int blockSize) throws java.io.IOException {
    List<String> written = new ArrayList<>();
    NiftiHeader in = run.header();
    RunTask task = run.task();
    RunKind kind = task.kind();
    Map<String, Object> parameters = kernels.parameters(kind);
    double fwhm = kernels.smoothingFwhmMm(kind);
    List<String> sources = task.confounds() == null ? List.of(task.nifti()) : List.of(task.nifti(), task.confounds());
    Map<DerivativeNames, float[]> values = new HashMap<>();
    for (DerivativeNames map : kernels.maps(kind)) {
      String file = new Path(task.outputDir(), map.fileName(task.name())).toString();
      boolean rgb = map.datatype() == org.voxelspark.nifti.NiftiDatatype.RGB24;
      NiftiHeader h = NiftiHeader.builder(in.geometry(), rgb ? 1 : map.channelCount())
          .datatype(map.datatype())
          .intent(NiftiHeader.INTENT_ESTIMATE, map.suffix().length() > 16 ? map.suffix().substring(0, 16) : map.suffix())
          .description("voxelspark " + version + ": " + map.description())
          .build();
      float[] data = run.map(map, fwhm);
      values.put(map, data);
      HadoopFiles.writeNifti(file, conf, h, data);
      written.add(file);
      Map<String, Object> sidecar = new LinkedHashMap<>();
      sidecar.put("Description", map.description());
      sidecar.put("Units", map.units());
      sidecar.put("Sources", sources);
      sidecar.putAll(parameters);
      sidecar.put("GeneratedBy", List.of(generatedBy(version)));
      String json = file.substring(0, file.length() - ".nii.gz".length()) + ".json";
      HadoopFiles.writeText(json, conf, JSON.writeValueAsString(sidecar) + "\n");
      written.add(json);
    }
    written.add(writeVoxelTable(run, values, fwhm, conf, version, outputRoot, blockSize));
    return written;
  }

  private static String writeVoxelTable(AssembledRun run, Map<DerivativeNames, float[]> maps, double fwhm, Configuration conf,
      String version, String outputRoot, int blockSize) {
    RunTask task = run.task();
    int voxels = (int) run.header().voxelsPerVolume();
    float[] maskValues = run.channel(DerivativeNames.maskChannel(task.kind()));
    boolean[] mask = new boolean[voxels];
    for (int v = 0; v < voxels; v++) {
      mask[v] = maskValues[v] != 0;
    }
    List<float[]> metrics = new ArrayList<>();
    for (VoxelTable.MetricColumn c : VoxelTable.metricColumns(task.kind())) {
      float[] component = new float[voxels];
      if (c.map().normalisation().smoothed() && !(fwhm > 0)) {
        java.util.Arrays.fill(component, Float.NaN); // no smoothed maps without --smooth-fwhm-mm
      } else {
        float[] map = maps.computeIfAbsent(c.map(), m -> run.map(m, fwhm));
        System.arraycopy(map, c.component() * voxels, component, 0, voxels);
      }
      metrics.add(component);
    }
    String file = VoxelTable.file(outputRoot, task.kind(), task.name());
    VoxelTableWriter.write(file, conf, new VoxelTableWriter.RunValues(task.kind(), task.subjectKey(), task.site(), task.name(),
        run.header(), mask, metrics, blockSize), task.nifti(), version);
    return file;
  }

  /** {@code {"Name": "voxelspark", "Version": ...}} in this order (Map.of's order changes from one JVM to the next). */
  static Map<String, Object> generatedBy(String version) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Name", "voxelspark");
    m.put("Version", version);
    return m;
  }
}
