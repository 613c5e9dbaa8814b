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
 * Writes a run's maps as BIDS-Derivatives files: for each {@link DerivativeNames} of its kind, a
 * float32 NIfTI-1 {@code .nii.gz} on the input's grid (same affine, sform and qform code 1) and a
 * JSON sidecar with the source file, the description, the units and the software version. Every
 * file is written atomically.
 */
public final class ParticipantOutputs {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ParticipantOutputs() {}

  /** Writes the maps of {@code run}; returns the URIs written (NIfTI then JSON per map). */
  public static List<String> write(AssembledRun run, Map<String, Object> parameters, Configuration conf, String version)
      throws java.io.IOException {
    List<String> written = new ArrayList<>();
    NiftiHeader in = run.header();
    for (DerivativeNames map : DerivativeNames.of(run.task().kind())) {
      String file = new Path(run.task().outputDir(), map.fileName(run.task().name())).toString();
      boolean rgb = map.datatype() == org.voxelspark.nifti.NiftiDatatype.RGB24;
      NiftiHeader h = NiftiHeader.builder(in.geometry(), rgb ? 1 : map.channelCount())
          .datatype(map.datatype())
          .intent(NiftiHeader.INTENT_ESTIMATE, map.suffix().length() > 16 ? map.suffix().substring(0, 16) : map.suffix())
          .description("voxelspark " + version + ": " + map.description())
          .build();
      HadoopFiles.writeNifti(file, conf, h, run.map(map));
      written.add(file);
      Map<String, Object> sidecar = new LinkedHashMap<>();
      sidecar.put("Description", map.description());
      sidecar.put("Units", map.units());
      sidecar.put("Sources", List.of(run.task().nifti()));
      sidecar.putAll(parameters);
      sidecar.put("GeneratedBy", List.of(Map.of("Name", "voxelspark", "Version", version)));
      String json = file.substring(0, file.length() - ".nii.gz".length()) + ".json";
      HadoopFiles.writeText(json, conf, JSON.writeValueAsString(sidecar) + "\n");
      written.add(json);
    }
    return written;
  }
}
