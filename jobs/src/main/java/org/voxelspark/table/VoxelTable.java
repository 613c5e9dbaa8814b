package org.voxelspark.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.voxelspark.participant.DerivativeNames;
import org.voxelspark.participant.RunKind;

/**
 * The cohort voxel tables: one Parquet table per modality, one row per in-mask voxel of every run,
 * with the run's keys, the voxel's position and its metric values. The group stage, and anyone with
 * Spark, DuckDB or pandas, reads them as one table per modality.
 *
 * <p><b>Layout.</b> {@code <output_dir>/voxels/<dwi|bold>/<run>_voxels.parquet}: one file per run
 * (written atomically beside the run's NIfTI maps, so a re-run of one subject replaces only its
 * file), read as a table with {@code spark.read().parquet("<output_dir>/voxels/dwi")}. Rows of a file
 * are sorted by {@link #BLOCK_ID} and then by {@link #VOXEL}, and the file is written in small row
 * groups and pages, so Parquet's min/max statistics on {@code block_id} let a reader fetch one
 * block of every subject ({@code WHERE block_id = b}) without reading whole volumes.
 *
 * <p><b>Columns</b> ({@link #keyColumns()} then {@link #metricColumns(RunKind)}; every one documented
 * in {@code docs/outputs.md}, which a test keeps in step):
 * <ul>
 *   <li>keys: {@code subject} ({@code sub-<label>[_ses-<label>]}), {@code participant_id}
 *       ({@code sub-<label>}, as in {@code participants.tsv}), {@code session} (the session label
 *       without {@code ses-}; null when the dataset has no sessions), {@code site}, {@code run}
 *       (the run's BIDS entities, the prefix of its map files);
 *   <li>position: {@code block_id} (the id of the voxel's block in the regular grid of
 *       {@code --block-size}³ blocks of the run's image, {@link org.voxelspark.geometry.BlockGrid}
 *       order), {@code voxel} (flat index {@code i + nx·(j + ny·k)}) and the zero-based voxel indices
 *       {@code i}, {@code j}, {@code k} of the run's image grid (world coordinates through the affine
 *       stored in the file's metadata, {@link #META_AFFINE});
 *   <li>metrics: float32, the same values as the run's NIfTI maps ({@link DerivativeNames}) at that
 *       voxel; never null; NaN where the map holds NaN (a voxel with a non-finite sample), and in the
 *       smoothed ReHo columns when the run was processed without smoothing
 *       ({@code --smooth-fwhm-mm 0}).
 * </ul>
 * Only voxels in the run's brain mask have rows.
 *
 * <p><b>File metadata</b> (Parquet key-value metadata): {@link #META_DIM}, {@link #META_AFFINE},
 * {@link #META_BLOCK_SIZE}, {@link #META_SOURCE}, {@link #META_VERSION}, so a reader can check that
 * the runs it combines share one grid.
 */
public final class VoxelTable {
  private VoxelTable() {}

  public static final String SUBJECT = "subject";
  public static final String PARTICIPANT_ID = "participant_id";
  public static final String SESSION = "session";
  public static final String SITE = "site";
  public static final String RUN = "run";
  public static final String BLOCK_ID = "block_id";
  public static final String VOXEL = "voxel";
  public static final String I = "i";
  public static final String J = "j";
  public static final String K = "k";

  /** Key-value metadata: image dims {@code "nx,ny,nz"}. */
  public static final String META_DIM = "voxelspark.dim";
  /** Key-value metadata: the voxel-to-world affine, 12 numbers, rows of the 3×4 matrix, mm. */
  public static final String META_AFFINE = "voxelspark.affine";
  /** Key-value metadata: edge of the cubic blocks of {@code block_id}, voxels. */
  public static final String META_BLOCK_SIZE = "voxelspark.block_size";
  /** Key-value metadata: the input image's URI. */
  public static final String META_SOURCE = "voxelspark.source";
  /** Key-value metadata: the software version that wrote the file. */
  public static final String META_VERSION = "voxelspark.version";

  /** Name of the tables' parent directory in the output. */
  public static final String DIRECTORY = "voxels";
  /** Suffix of each run's file. */
  public static final String FILE_SUFFIX = "_voxels.parquet";

  /**
   * A key or position column.
   *
   * @param name column name
   * @param type Parquet physical type ({@code BINARY} columns are UTF-8 strings)
   * @param nullable whether the column may be null
   * @param meaning what it holds, with its unit or convention, for the docs
   */
  public record KeyColumn(String name, PrimitiveTypeName type, boolean nullable, String meaning) {}

  /**
   * A metric column: one channel of one derivative map.
   *
   * @param name column name
   * @param map the NIfTI map it copies
   * @param component the map's volume (0 for single-volume maps)
   */
  public record MetricColumn(String name, DerivativeNames map, int component) {
    /** The value's unit (the map's). */
    public String units() {
      return map.units();
    }
  }

  private static final List<KeyColumn> KEYS = List.of(
      new KeyColumn(SUBJECT, PrimitiveTypeName.BINARY, false, "`sub-<label>[_ses-<label>]`, as in `failures.tsv`"),
      new KeyColumn(PARTICIPANT_ID, PrimitiveTypeName.BINARY, false, "`sub-<label>`, the row of `participants.tsv`"),
      new KeyColumn(SESSION, PrimitiveTypeName.BINARY, true, "session label without `ses-`; null when the dataset has no sessions"),
      new KeyColumn(SITE, PrimitiveTypeName.BINARY, false, "the subject's value of the site column"),
      new KeyColumn(RUN, PrimitiveTypeName.BINARY, false, "the run's BIDS entities (prefix of its map files)"),
      new KeyColumn(BLOCK_ID, PrimitiveTypeName.INT32, false,
          "id of the voxel's block in the regular grid of `--block-size`³ blocks of the run's image (BlockGrid order: by k, j, i of the block's first corner); rows are sorted by it"),
      new KeyColumn(VOXEL, PrimitiveTypeName.INT32, false, "flat voxel index `i + nx·(j + ny·k)` in the run's image"),
      new KeyColumn(I, PrimitiveTypeName.INT32, false, "zero-based voxel index along the image's first axis"),
      new KeyColumn(J, PrimitiveTypeName.INT32, false, "zero-based voxel index along the second axis"),
      new KeyColumn(K, PrimitiveTypeName.INT32, false, "zero-based voxel index along the third axis"));

  private static final List<MetricColumn> DWI = List.of(
      new MetricColumn("mean_b0", DerivativeNames.MEAN_B0, 0),
      new MetricColumn("fa", DerivativeNames.FA, 0),
      new MetricColumn("md", DerivativeNames.MD, 0),
      new MetricColumn("ad", DerivativeNames.AD, 0),
      new MetricColumn("rd", DerivativeNames.RD, 0),
      new MetricColumn("l1", DerivativeNames.EVALS, 0),
      new MetricColumn("l2", DerivativeNames.EVALS, 1),
      new MetricColumn("l3", DerivativeNames.EVALS, 2),
      new MetricColumn("v1_x", DerivativeNames.V1, 0),
      new MetricColumn("v1_y", DerivativeNames.V1, 1),
      new MetricColumn("v1_z", DerivativeNames.V1, 2),
      new MetricColumn("s0", DerivativeNames.S0, 0));

  private static final List<MetricColumn> BOLD = List.of(
      new MetricColumn("mean", DerivativeNames.BOLD_MEAN, 0),
      new MetricColumn("tsnr", DerivativeNames.BOLD_TSNR, 0),
      new MetricColumn("reho", DerivativeNames.REHO, 0),
      new MetricColumn("mreho", DerivativeNames.MREHO, 0),
      new MetricColumn("zreho", DerivativeNames.ZREHO, 0),
      new MetricColumn("sreho", DerivativeNames.SREHO, 0),
      new MetricColumn("smreho", DerivativeNames.SMREHO, 0),
      new MetricColumn("szreho", DerivativeNames.SZREHO, 0),
      new MetricColumn("alff", DerivativeNames.ALFF, 0),
      new MetricColumn("malff", DerivativeNames.MALFF, 0),
      new MetricColumn("zalff", DerivativeNames.ZALFF, 0),
      new MetricColumn("falff", DerivativeNames.FALFF, 0),
      new MetricColumn("mfalff", DerivativeNames.MFALFF, 0),
      new MetricColumn("zfalff", DerivativeNames.ZFALFF, 0));

  /** The key and position columns, in file order. */
  public static List<KeyColumn> keyColumns() {
    return KEYS;
  }

  /** The metric columns of a modality's table, in file order. */
  public static List<MetricColumn> metricColumns(RunKind kind) {
    return kind == RunKind.DWI ? DWI : BOLD;
  }

  /** The metric column called {@code name} in {@code kind}'s table, or null. */
  public static MetricColumn metric(RunKind kind, String name) {
    for (MetricColumn c : metricColumns(kind)) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** The modality's table name: {@code dwi} or {@code bold}, its directory under {@link #DIRECTORY}. */
  public static String tableName(RunKind kind) {
    return kind == RunKind.DWI ? "dwi" : "bold";
  }

  /** The modality's table directory under the output root. */
  public static String directory(String outputRoot, RunKind kind) {
    return new Path(new Path(outputRoot, DIRECTORY), tableName(kind)).toString();
  }

  /** A run's file in its table directory. */
  public static String file(String outputRoot, RunKind kind, String runName) {
    return new Path(directory(outputRoot, kind), runName + FILE_SUFFIX).toString();
  }

  /** The Parquet schema of a modality's table. */
  public static MessageType schema(RunKind kind) {
    List<Type> fields = new ArrayList<>();
    for (KeyColumn c : KEYS) {
      Types.PrimitiveBuilder<org.apache.parquet.schema.PrimitiveType> b =
          c.nullable() ? Types.optional(c.type()) : Types.required(c.type());
      if (c.type() == PrimitiveTypeName.BINARY) {
        b = b.as(LogicalTypeAnnotation.stringType());
      }
      fields.add(b.named(c.name()));
    }
    for (MetricColumn c : metricColumns(kind)) {
      fields.add(Types.required(PrimitiveTypeName.FLOAT).named(c.name()));
    }
    return new MessageType("voxel_" + kind.name().toLowerCase(), fields);
  }

  /** Every column name of a modality's table, in file order. */
  public static List<String> columnNames(RunKind kind) {
    List<String> names = new ArrayList<>();
    KEYS.forEach(c -> names.add(c.name()));
    metricColumns(kind).forEach(c -> names.add(c.name()));
    return names;
  }

  /** The participant label and session of a subject key {@code sub-<l>[_ses-<s>]} (session null if none). */
  static String[] participantAndSession(String subjectKey) {
    int s = subjectKey.indexOf("_ses-");
    return s < 0 ? new String[] {subjectKey, null} : new String[] {subjectKey.substring(0, s), subjectKey.substring(s + 5)};
  }

  /** Key-value metadata describing the grid of a file. */
  static Map<String, String> metadata(int nx, int ny, int nz, double[] affine12, int blockSize, String source, String version) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(META_DIM, nx + "," + ny + "," + nz);
    StringBuilder a = new StringBuilder();
    for (int q = 0; q < 12; q++) {
      a.append(q == 0 ? "" : ",").append(affine12[q]);
    }
    m.put(META_AFFINE, a.toString());
    m.put(META_BLOCK_SIZE, Integer.toString(blockSize));
    m.put(META_SOURCE, source);
    m.put(META_VERSION, version);
    return m;
  }
}
