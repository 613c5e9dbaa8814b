package org.voxelspark.participant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.voxelspark.io.HadoopFiles;
import org.voxelspark.nifti.NiftiHeader;

/**
 * Writes a run's maps as BIDS-Derivatives files: for each map the kernels name for its kind
 * ({@link KernelFactory#maps}), a NIfTI-1 {@code .nii.gz} on the input's grid (same affine, sform and
 * qform code 1) and a JSON sidecar with the source files (the image, and the confounds table when
 * one was regressed out), the description, the units, the settings and the software version. Every
 * file is written atomically.
 */
public final class ParticipantOutputs {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ParticipantOutputs() {}

  /**
   * Writes the maps of {@code run} ({@link KernelFactory#maps}, sidecar settings from
   * {@link KernelFactory#parameters}); returns the URIs written (NIfTI then JSON per map).
   */
  public static List<String> write(AssembledRun run, KernelFactory kernels, Configuration conf, String version)
      throws java.io.IOException {
    List<String> written = new ArrayList<>();
    NiftiHeader in = run.header();
    RunKind kind = run.task().kind();
    Map<String, Object> parameters = kernels.parameters(kind);
    double fwhm = kernels.smoothingFwhmMm(kind);
    List<String> sources = run.task().confounds() == null ? List.of(run.task().nifti())
        : List.of(run.task().nifti(), run.task().confounds());
    for (DerivativeNames map : kernels.maps(kind)) {
      String file = new Path(run.task().outputDir(), map.fileName(run.task().name())).toString();
      boolean rgb = map.datatype() == org.voxelspark.nifti.NiftiDatatype.RGB24;
      NiftiHeader h = NiftiHeader.builder(in.geometry(), rgb ? 1 : map.channelCount())
          .datatype(map.datatype())
          .intent(NiftiHeader.INTENT_ESTIMATE, map.suffix().length() > 16 ? map.suffix().substring(0, 16) : map.suffix())
          .description("voxelspark " + version + ": " + map.description())
          .build();
      HadoopFiles.writeNifti(file, conf, h, run.map(map, fwhm));
      written.add(file);
      Map<String, Object> sidecar = new LinkedHashMap<>();
      sidecar.put("Description", map.description());
      sidecar.put("Units", map.units());
      sidecar.put("Sources", sources);
      sidecar.putAll(parameters);
      sidecar.put("GeneratedBy", List.of(Map.of("Name", "voxelspark", "Version", version)));
      String json = file.substring(0, file.length() - ".nii.gz".length()) + ".json";
      HadoopFiles.writeText(json, conf, JSON.writeValueAsString(sidecar) + "\n");
      written.add(json);
    }
    return written;
  }
}
