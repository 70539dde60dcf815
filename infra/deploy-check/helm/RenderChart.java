import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * `helm template` through helm-java: prints the rendered manifests, or Helm's own error on stderr
 * (exit 1): a template's fail, a values.schema.json violation, a YAML error.
 *
 * usage: RenderChart <chart dir> <release> <namespace> <kube version> [values file]...
 */
public final class RenderChart {
  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: RenderChart <chart dir> <release> <namespace> <kube version> [values file]...");
      System.exit(2);
    }
    Path chart = Paths.get(args[0]);
    TemplateCommand template =
        new Helm(chart).template().withName(args[1]).withNamespace(args[2]).withKubeVersion(args[3]);
    for (int i = 4; i < args.length; i++) template = template.withValuesFile(Paths.get(args[i]));
    try {
      System.out.print(template.call());
    } catch (RuntimeException error) {
      System.err.println(error.getMessage());
      System.exit(1);
    }
  }
}
