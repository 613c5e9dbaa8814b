package org.voxelspark.ops;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.voxelspark.participant.RunKind;

/**
 * The run manifest's record of one run whose outputs are complete: the commit point of those
 * outputs. Written (atomically) only after every output file of the run is in place; deleted
 * before a run is computed again. Stored as JSON, one file per run ({@link RunKey#entryPath()});
 * the format is documented in {@code docs/outputs.md} ("Run manifest").
 *
 * @param format the manifest format version ({@link RunManifest#FORMAT})
 * @param stage {@value RunManifest#PARTICIPANT_STAGE}
 * @param subject {@code sub-<label>[_ses-<label>]}
 * @param site the subject's site when the entry was written
 * @param kind the run's modality
 * @param run the run's entities
 * @param outputDir the directory of its outputs, relative to the output root
 * @param inputs the input files by role ({@code nifti}, {@code bval}, {@code bvec}, {@code sidecar})
 * @param inputsSha256 {@link ContentHash#combine} of the inputs' hashes by role (not their names:
 *     a moved dataset is not a changed one)
 * @param participantsRowSha256 hash of the subject's {@code participants.tsv} row and site
 * @param configSha256 hash of the settings that decide the run's outputs ({@link #configuration})
 * @param configuration those settings, for people (the same as the maps' JSON sidecars hold)
 * @param softwareVersion the voxelspark version that computed the outputs
 * @param outputs every output file, relative to the output root, with its size
 * @param blocks number of voxel blocks the run was computed in
 * @param nonFiniteVoxels voxels left out of the brain mask because their series holds NaN or ±∞
 * @param committed when the outputs were committed, ISO-8601 UTC
 */
public record ManifestEntry(int format, String stage, String subject, String site, RunKind kind, String run,
    String outputDir, SortedMap<String, FileDigest> inputs, String inputsSha256, String participantsRowSha256,
    String configSha256, Map<String, Object> configuration, String softwareVersion, List<OutputFile> outputs, int blocks,
    int nonFiniteVoxels, String committed) implements Serializable {

  /**
   * One output file.
   *
   * @param path relative to the output root
   * @param size bytes
   */
  public record OutputFile(String path, long size) implements Serializable {}

  public RunKey key() {
    return new RunKey(subject, kind, run);
  }

  /** The same entry with the subject's current table row, site and input listing (outputs unchanged). */
  public ManifestEntry refreshed(String newSite, SortedMap<String, FileDigest> newInputs, String newRowSha256) {
    return new ManifestEntry(format, stage, subject, newSite, kind, run, outputDir, newInputs, inputsSha256, newRowSha256,
        configSha256, configuration, softwareVersion, outputs, blocks, nonFiniteVoxels, committed);
  }
}
