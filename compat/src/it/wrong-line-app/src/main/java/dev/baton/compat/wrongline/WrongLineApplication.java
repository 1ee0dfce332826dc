package dev.baton.compat.wrongline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Boot 4 application built with Baton's Boot 3.5 starter: it must not start. */
@SpringBootApplication
public class WrongLineApplication {

	public static void main(String[] args) {
		SpringApplication.run(WrongLineApplication.class, args);
	}

}
