package org.hubdns.bench;

/**
 * A problem with what the operator gave us (a flag, a file, a target): its message says what was
 * wrong and what to do, and is printed as is, without a stack trace.
 */
public final class BenchInputException extends Exception {
    public BenchInputException(String message) {
        super(message);
    }

    public BenchInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
