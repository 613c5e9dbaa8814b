package org.voxelspark.sample;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal JSON writer for the generator's sidecars and truth file (the sample module depends on
 * nothing but common). Maps keep their iteration order; numbers are written with
 * {@link Double#toString} (integral values without a fraction); strings are escaped per RFC 8259.
 */
final class JsonText {
  private JsonText() {}

  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb, 0);
    return sb.append('\n').toString();
  }

  private static void write(Object v, StringBuilder sb, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String s) {
      quote(s, sb);
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON cannot hold " + d);
      }
      sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d));
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "\n" : ",\n");
        first = false;
        pad(sb, indent + 2);
        quote(String.valueOf(e.getKey()), sb);
        sb.append(": ");
        write(e.getValue(), sb, indent + 2);
      }
      if (!first) {
        sb.append('\n');
        pad(sb, indent);
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      boolean flat = l.stream().allMatch(x -> x instanceof Number || x instanceof String);
      sb.append('[');
      for (int q = 0; q < l.size(); q++) {
        if (flat) {
          sb.append(q == 0 ? "" : ", ");
        } else {
          sb.append(q == 0 ? "\n" : ",\n");
          pad(sb, indent + 2);
        }
        write(l.get(q), sb, indent + 2);
      }
      if (!flat && !l.isEmpty()) {
        sb.append('\n');
        pad(sb, indent);
      }
      sb.append(']');
    } else if (v instanceof double[] a) {
      sb.append('[');
      for (int q = 0; q < a.length; q++) {
        sb.append(q == 0 ? "" : ", ");
        write(a[q], sb, indent);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass() + " as JSON");
    }
  }

  private static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static void pad(StringBuilder sb, int n) {
    sb.append(" ".repeat(n));
  }
}
