package org.voxelspark.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session shared by every {@code *SparkTest} in a JVM: local[2], bound to
 * 127.0.0.1, UI off, Kryo with {@code registrationRequired=true} (an unregistered class fails here,
 * not on a cluster). Never stopped by a test; the JVM's exit ends it.
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      SparkConf conf = SparkSessions.configure(new SparkConf(), "voxelspark-tests", SparkArgs.none(), 2, true);
      conf.set("spark.ui.enabled", "false");
      conf.set("spark.sql.shuffle.partitions", "4");
      conf.set("spark.default.parallelism", "4");
      session = SparkSession.builder().config(conf).getOrCreate();
    }
    return session;
  }
}
