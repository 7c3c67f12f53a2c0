package io.apppasswords.keycloak.it;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Servers the harness starts (Keycloak, PostgreSQL) run as the child of a small shell that watches this
 * JVM: when our stdin pipe to it closes (we stop the server, or this JVM dies, even by SIGKILL) it runs a
 * shutdown command. So nothing is left running after a test run, however it ended.
 */
final class Watchdog {

    private Watchdog() {
    }

    /**
     * {@code sh -c} running {@code command} with {@code onExit} as its shutdown command; {@code $child} in
     * {@code onExit} is the server's process id.
     */
    static List<String> around(String name, String onExit, List<String> command) {
        String script = "exec 3<&0 </dev/null\n"
                + "\"$@\" 3<&- &\n"
                + "child=$!\n"
                + "( cat <&3 >/dev/null; " + onExit + " ) &\n"
                + "exec 3<&-\n"
                + "wait $child\n";
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", script, name));
        cmd.addAll(command);
        return cmd;
    }

    /**
     * Closes the watchdog's stdin (its shutdown command runs), waits up to {@code graceSeconds} for the
     * whole process tree to end and kills what is left.
     */
    static void stop(Process watchdog, long graceSeconds) {
        List<ProcessHandle> tree = new ArrayList<>();
        watchdog.descendants().forEach(tree::add);
        try (OutputStream stdin = watchdog.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // already closed
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        try {
            for (ProcessHandle h : tree) {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            watchdog.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception notInTime) {
            // killed below
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (watchdog.isAlive()) {
            watchdog.destroyForcibly();
        }
    }
}
