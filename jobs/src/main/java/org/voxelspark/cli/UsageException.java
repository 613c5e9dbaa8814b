package org.voxelspark.cli;

/** A command line that cannot be understood (unknown command or option, missing argument): exit code 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
