package org.voxelspark.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds voxelspark's Spark session.
 *
 * <p>Always: Kryo serialization with {@link VoxelsparkKryoRegistrator}. In the embedded local
 * mode (no master given, or a {@code local[...]} master), the driver binds to the loopback address
 * 127.0.0.1 and the web UI is off unless asked for with {@code --conf spark.ui.enabled=true}:
 * nothing listens on or talks to another address. Under {@code spark-submit} (a master already in
 * the Spark configuration) the cluster's settings are left alone.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * @param defaultCores cores for the embedded local mode, 0 for all
   */
  public static SparkSession create(String appName, SparkArgs args, int defaultCores) {
    SparkConf conf = configure(new SparkConf(), appName, args, defaultCores, false);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /**
   * Applies voxelspark's settings to {@code conf}.
   *
   * @param strictKryo set {@code spark.kryo.registrationRequired} (tests)
   */
  public static SparkConf configure(SparkConf conf, String appName, SparkArgs args, int defaultCores, boolean strictKryo) {
    if (args.master() != null) {
      conf.setMaster(args.master());
    } else if (!conf.contains("spark.master")) {
      conf.setMaster(defaultCores > 0 ? "local[" + defaultCores + "]" : "local[*]");
    }
    conf.setAppName(args.appName() != null ? args.appName() : conf.get("spark.app.name", appName));
    boolean local = conf.get("spark.master").startsWith("local");
    if (local) {
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.set("spark.kryo.registrator", VoxelsparkKryoRegistrator.class.getName());
    if (strictKryo) {
      conf.set("spark.kryo.registrationRequired", "true");
    }
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    for (Map.Entry<String, String> e : args.conf().entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    return conf;
  }
}
