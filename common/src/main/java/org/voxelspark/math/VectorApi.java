package org.voxelspark.math;

/**
 * The one way voxelspark loads its optional Vector API implementations. The JDK 17 Vector API is
 * an incubator module ({@code jdk.incubator.vector}) that a JVM has only when started with
 * {@code --add-modules jdk.incubator.vector} (the launchers, the Spark defaults templates and the
 * tests pass it). Each kernel with a Vector API implementation keeps it in a class of its own that
 * only this loader names, so that a JVM without the module never links it and uses the kernel's
 * plain-loop implementation instead (same results; see each kernel's documentation).
 */
public final class VectorApi {
  private VectorApi() {}

  /** Whether this JVM has the incubator module. */
  public static boolean available() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * A new instance of the Vector API implementation {@code className} (a {@code type}) built with
   * the constructor taking {@code parameterTypes}, or null when the module is absent or the class
   * does not link (e.g. a JVM whose Vector API lacks an operation the class uses).
   */
  public static <T> T instance(String className, Class<T> type, Class<?>[] parameterTypes, Object... arguments) {
    if (!available()) {
      return null;
    }
    try {
      // the implementations are package-private classes of their kernels' packages
      java.lang.reflect.Constructor<?> c = Class.forName(className).getDeclaredConstructor(parameterTypes);
      c.setAccessible(true);
      return type.cast(c.newInstance(arguments));
    } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
      return null;
    }
  }

  /** {@link #instance} with the no-argument constructor. */
  public static <T> T instance(String className, Class<T> type) {
    return instance(className, type, new Class<?>[0]);
  }
}
