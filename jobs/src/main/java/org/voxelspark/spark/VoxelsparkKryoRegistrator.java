package org.voxelspark.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class voxelspark ships between Spark tasks, in one place. Tests run with
 * {@code spark.kryo.registrationRequired=true}, so a class missing here fails in a unit test rather
 * than being written with its full name on a cluster.
 *
 * <p>Primitive arrays use Kryo's built-in serializers. voxelspark's own records and immutable
 * classes use Java serialization through Kryo ({@link JavaSerializer}): records have final fields
 * that Kryo's reflective field serializer cannot set on Java 17, and their bulk payload is primitive
 * arrays, which Java serialization writes in one block.
 */
public final class VoxelsparkKryoRegistrator implements KryoRegistrator {
  /** voxelspark classes that travel between tasks. */
  static final Class<?>[] JAVA_SERIALIZED = {
    org.voxelspark.geometry.Affine.class,
    org.voxelspark.geometry.VolumeGeometry.class,
    org.voxelspark.geometry.Box.class,
    org.voxelspark.geometry.Block.class,
    org.voxelspark.geometry.BlockGrid.class,
    org.voxelspark.nifti.NiftiHeader.class,
    org.voxelspark.error.UserInputException.class,
    org.voxelspark.error.UserInputException.Problem.class,
    org.voxelspark.participant.RunTask.class,
    org.voxelspark.participant.BlockResult.class,
    org.voxelspark.participant.RunResult.class,
    org.voxelspark.participant.AssembledRun.class,
    org.voxelspark.group.SubjectMap.class,
    org.voxelspark.group.GroupBlock.class,
    org.voxelspark.group.GroupTranspose.SubjectBlock.class,
    org.voxelspark.group.GroupFunctions.BlockGlm.class,
    org.voxelspark.group.GroupFunctions.BlockInference.class,
    org.voxelspark.group.GroupFunctions.ChunkPiece.class,
    org.voxelspark.group.GroupRois.BlockSums.class,
    org.voxelspark.spark.StageTimers.class,
    org.voxelspark.group.GroupFunctions.BlockSummary.class,
    org.voxelspark.group.GroupMeta.BlockMeta.class,
    org.voxelspark.group.GroupHarmonize.Adjusted.class,
    org.voxelspark.group.GroupHarmonize.SavedModel.class,
    org.voxelspark.harmonize.ComBat.class,
    org.voxelspark.harmonize.ComBatOptions.class,
    org.voxelspark.harmonize.ComBatBlockFit.class,
    org.voxelspark.harmonize.ComBatPriorAccumulator.class,
    org.voxelspark.harmonize.ComBatPriors.class,
    org.voxelspark.harmonize.EbIterationAccumulator.class,
    org.voxelspark.harmonize.ComBatModel.class,
    org.voxelspark.meta.SiteMeta.class,
    org.voxelspark.meta.MetaOptions.class,
    org.voxelspark.meta.MetaMaps.class,
    org.voxelspark.stats.glm.GlmModel.class,
    org.voxelspark.stats.glm.GlmMaps.class,
    org.voxelspark.stats.perm.FreedmanLane.class,
    org.voxelspark.stats.perm.ShufflingSet.class,
    org.voxelspark.stats.inference.MaskedGrid.class,
    org.voxelspark.stats.inference.MaxDistribution.class,
    org.voxelspark.stats.inference.ExceedanceCounts.class,
    org.voxelspark.stats.inference.SpatialInference.Null.class,
    org.voxelspark.stats.inference.SpatialInference.Settings.class,
    org.voxelspark.report.ReportRecords.RunEntry.class,
    org.voxelspark.report.ReportRecords.FailureEntry.class,
    org.voxelspark.report.ReportRecords.QcResult.class,
    org.voxelspark.report.ReportRecords.SubjectEntry.class,
    org.voxelspark.report.ReportRecords.PageResult.class,
    org.voxelspark.ops.InputHashing.Request.class,
    org.voxelspark.ops.InputHashing.Result.class,
    org.voxelspark.ops.PendingRuns.class,
  };

  /**
   * Spark SQL classes that travel in task results when voxelspark reads Parquet (schema inference
   * returns {@code StructType}s from executors), registered by name because several are Scala
   * objects ({@code FloatType$}).
   */
  static final String[] SPARK_SQL = {
    "org.apache.spark.sql.types.StructType",
    "org.apache.spark.sql.types.StructType[]",
    "org.apache.spark.sql.types.StructField",
    "org.apache.spark.sql.types.StructField[]",
    "org.apache.spark.sql.types.Metadata",
    "org.apache.spark.sql.types.StringType",
    "org.apache.spark.sql.types.StringType$",
    "org.apache.spark.sql.types.IntegerType$",
    "org.apache.spark.sql.types.LongType$",
    "org.apache.spark.sql.types.FloatType$",
    "org.apache.spark.sql.types.DoubleType$",
    "org.apache.spark.sql.types.BooleanType$",
    "org.apache.spark.sql.types.BinaryType$",
    "org.apache.spark.sql.types.ShortType$",
    "org.apache.spark.sql.types.ByteType$",
    "org.apache.spark.sql.types.ArrayType",
  };

  @Override
  public void registerClasses(Kryo kryo) {
    for (String name : SPARK_SQL) {
      try {
        kryo.register(name.endsWith("[]")
            ? java.lang.reflect.Array.newInstance(Class.forName(name.substring(0, name.length() - 2)), 0).getClass()
            : Class.forName(name));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("Spark SQL class " + name + " not on the classpath", e);
      }
    }
    kryo.register(float[].class);
    kryo.register(double[].class);
    kryo.register(double[][].class);
    kryo.register(org.voxelspark.stats.inference.MaxDistribution[].class, new JavaSerializer());
    kryo.register(int[].class);
    kryo.register(long[].class);
    kryo.register(boolean[].class);
    kryo.register(byte[].class);
    kryo.register(String[].class);
    kryo.register(Object[].class);
    kryo.register(java.util.ArrayList.class);
    kryo.register(scala.collection.mutable.ArraySeq.ofRef.class);
    for (Class<?> c : JAVA_SERIALIZED) {
      kryo.register(c, new JavaSerializer());
    }
  }
}
