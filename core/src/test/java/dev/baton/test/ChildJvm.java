package dev.baton.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A test's child JVM on the test classpath: read its lines, write to it, kill or pause it. */
public final class ChildJvm implements AutoCloseable {

	private final Process process;

	private final BufferedReader out;

	private final Writer in;

	public ChildJvm(Class<?> main, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "-cp",
				System.getProperty("java.class.path"), main.getName()));
		command.addAll(List.of(args));
		this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		this.out = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
		this.in = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
	}

	/** The next line the child prints that matches {@code regex} (log lines are skipped), waiting up to 60 s. */
	public String awaitLine(String regex) throws Exception {
		return CompletableFuture.supplyAsync(() -> {
			try {
				for (String line = this.out.readLine(); line != null; line = this.out.readLine()) {
					if (line.matches(regex)) {
						return line;
					}
				}
				return null;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(60, TimeUnit.SECONDS);
	}

	public void send(String line) throws IOException {
		this.in.write(line + "\n");
		this.in.flush();
	}

	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(10, TimeUnit.SECONDS);
	}

	public void signal(String signal) throws Exception {
		new ProcessBuilder("kill", "-" + signal, Long.toString(this.process.pid())).start().waitFor(10, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws Exception {
		signal("CONT");
		kill();
	}

}
