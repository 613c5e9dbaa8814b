package org.voxelspark.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockGridTest {
  @Test
  void regularGridOfTenByTenByTenInFours() {
    BlockGrid g = BlockGrid.regular(10, 10, 10, 4, 4, 4, 1);
    assertEquals(27, g.blockCount());
    Block first = g.block(0);
    assertEquals(new Box(0, 4, 0, 4, 0, 4), first.core());
    assertEquals(new Box(0, 5, 0, 5, 0, 5), first.halo(), "halo clipped at the volume's edge");
    Block last = g.block(26);
    assertEquals(new Box(8, 10, 8, 10, 8, 10), last.core(), "edge block is smaller");
    assertEquals(new Box(7, 10, 7, 10, 7, 10), last.halo());
    assertEquals(new Box(1, 3, 1, 3, 1, 3), last.coreInHalo());
    assertEquals(g.block(13), g.blockOf(5, 5, 5));
    assertEquals(new Box(4, 8, 4, 8, 4, 8), g.block(13).core(), "ids ordered by k, then j, then i");
  }

  @Test
  void emptyMaskGivesOneEmptyBlock() {
    BlockGrid g = BlockGrid.balanced(5, 4, 3, new boolean[60], 10, 1);
    assertEquals(1, g.blockCount());
    assertTrue(g.block(0).isEmpty());
    assertEquals(Box.of(5, 4, 3), g.block(0).core());
  }

  @Test
  void rejectsBadSpecifications() {
    assertThrows(IllegalArgumentException.class, () -> BlockGrid.regular(0, 1, 1, 1, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> BlockGrid.regular(4, 4, 4, 0, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> BlockGrid.regular(4, 4, 4, 1, 1, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> BlockGrid.balanced(4, 4, 4, new boolean[63], 5, 0));
    assertThrows(IllegalArgumentException.class, () -> BlockGrid.balanced(4, 4, 4, new boolean[64], 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Box(2, 2, 0, 1, 0, 1));
  }
}
