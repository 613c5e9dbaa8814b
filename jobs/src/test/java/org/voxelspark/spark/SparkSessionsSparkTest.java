package org.voxelspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.voxelspark.error.UserInputException;
import org.voxelspark.geometry.Block;
import org.voxelspark.geometry.BlockGrid;

class SparkSessionsSparkTest {
  @Test
  void sessionIsLocalLoopbackAndKryoStrict() {
    SparkSession s = SparkTestSession.get();
    SparkConf c = s.sparkContext().getConf();
    assertEquals("127.0.0.1", c.get("spark.driver.host"));
    assertEquals("127.0.0.1", c.get("spark.driver.bindAddress"));
    assertEquals("false", c.get("spark.ui.enabled"));
    assertEquals("true", c.get("spark.kryo.registrationRequired"));
    assertEquals(VoxelsparkKryoRegistrator.class.getName(), c.get("spark.kryo.registrator"));
  }

  @Test
  void registeredClassesTravelThroughAShuffle() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    List<Block> blocks = BlockGrid.regular(9, 7, 5, 4, 4, 4, 1).blocks();
    List<Block> back = jsc.parallelize(blocks, 3).mapToPair(b -> new scala.Tuple2<>(b.id() % 2, b)).groupByKey(2)
        .flatMap(p -> p._2().iterator()).collect();
    assertEquals(blocks.size(), back.size());
    assertEquals(new java.util.HashSet<>(blocks), new java.util.HashSet<>(back));
  }

  @Test
  void sparkArgumentsParse() {
    SparkArgs a = SparkArgs.parse(List.of("--master", "local[3]", "--conf", "spark.x=1", "--conf=spark.y=a=b", "--name", "n"));
    assertEquals("local[3]", a.master());
    assertEquals(Map.of("spark.x", "1", "spark.y", "a=b"), a.conf());
    assertThrows(UserInputException.class, () -> SparkArgs.parse(List.of("--deploy-moon", "x")));
    assertThrows(UserInputException.class, () -> SparkArgs.parse(List.of("--conf", "novalue")));
    SparkConf cluster = SparkSessions.configure(new SparkConf().setMaster("spark://127.0.0.1:7077"), "x", SparkArgs.none(), 0, false);
    assertEquals(false, cluster.contains("spark.driver.bindAddress"), "a cluster's network settings are left alone");
  }
}
