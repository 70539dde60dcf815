import com.google.gson.GsonBuilder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r5.elementmodel.Manager.FhirFormat;
import org.hl7.fhir.r5.utils.validation.constants.ReferenceValidationPolicy;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidationEngine;
import org.hl7.fhir.validation.instance.advisor.BasePolicyAdvisorForFullValidation;

/**
 * Drives the HL7 FHIR validator (org.hl7.fhir.validation, which ships no CLI main on Maven Central):
 * one engine on the R4 core package from the package cache under -Duser.home (plus the packages
 * named --ig=id#version), no terminology server, then every JSON resource named on the command line
 * (files, or folders of *.json) in one JVM.
 * Prints one JSON document on stdout: per resource its file, type and issues (severity, location,
 * message, message id); the engine's own chatter goes to stderr.
 */
public final class ValidateResources {
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    System.setOut(System.err);
    long startedMs = System.currentTimeMillis();
    ValidationEngine engine = new ValidationEngine.ValidationEngineBuilder()
        .withVersion("4.0.1")
        .withNoTerminologyServer()
        .withCanRunWithoutTerminologyServer(true)
        .withUserAgent("aloe-fhir-validator")
        .fromSource("hl7.fhir.r4.core#4.0.1");
    // References to the EHR's resources (Patient/x) cannot be read offline: their type is checked
    // when they resolve (inside a Bundle), they are not required to resolve.
    engine.setPolicyAdvisor(
        new BasePolicyAdvisorForFullValidation(ReferenceValidationPolicy.CHECK_TYPE_IF_EXISTS, Set.of()));
    List<Path> files = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--ig=")) {
        engine.getIgLoader().loadIg(engine.getIgs(), engine.getBinaries(), arg.substring(5), false);
        continue;
      }
      Path path = Path.of(arg);
      if (!Files.isDirectory(path)) files.add(path);
      else try (Stream<Path> listed = Files.list(path)) {
        listed.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
      }
    }
    long loadedMs = System.currentTimeMillis();
    List<Map<String, Object>> results = new ArrayList<>();
    for (Path file : files) {
      List<ValidationMessage> messages = new ArrayList<>();
      engine.validate(Files.readAllBytes(file), FhirFormat.JSON, List.of(), messages);
      List<Map<String, Object>> issues = new ArrayList<>();
      for (ValidationMessage message : messages) {
        Map<String, Object> issue = new LinkedHashMap<>();
        issue.put("severity", message.getLevel().toCode());
        issue.put("location", message.getLocation());
        issue.put("message", message.getMessage());
        issue.put("messageId", message.getMessageId());
        issues.add(issue);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file", file.toString());
      result.put("resourceType", resourceTypeOf(file));
      result.put("issues", issues);
      results.add(result);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("validator", org.hl7.fhir.utilities.VersionUtil.getVersion());
    report.put("fhirVersion", "4.0.1");
    report.put("loadMs", loadedMs - startedMs);
    report.put("validateMs", System.currentTimeMillis() - loadedMs);
    report.put("results", results);
    out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(report));
  }

  private static String resourceTypeOf(Path file) throws Exception {
    var json = com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    return json.has("resourceType") ? json.get("resourceType").getAsString() : null;
  }
}
