package dev.kvstore.cli;

/** Bad input read by a command (a malformed JSON line, say): exit status 2. */
final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputException(String message) {
        super(message);
    }

    InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
