using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace MusicCluster.Cluster.Tests.Deployment;

/// <summary>
/// A YAML node of a deploy file, as YamlDotNet's deserializer gives it (maps, lists, string scalars), with paths in
/// failure messages. Merge keys (&lt;&lt;: *anchor, used by the compose file) are applied while parsing.
/// </summary>
public sealed record Yaml(object? Value, string Path)
{
    public static IReadOnlyList<Yaml> LoadDocuments(string file)
    {
        using var reader = new StringReader(File.ReadAllText(file));
        var parser = new MergingParser(new Parser(reader));
        IDeserializer deserializer = new DeserializerBuilder().Build();
        var documents = new List<Yaml>();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            object? document = deserializer.Deserialize<object?>(parser);
            if (document is not null) documents.Add(new Yaml(document, System.IO.Path.GetFileName(file)));
        }
        return documents;
    }

    public static Yaml Load(string file) => Assert.Single(LoadDocuments(file));

    public bool Exists => Value is not null;

    public Yaml this[string key] =>
        new(Value is Dictionary<object, object> map && map.TryGetValue(key, out object? child) ? child : null, $"{Path}.{key}");

    public IReadOnlyList<Yaml> Items => Value switch
    {
        null => [],
        List<object> list => list.Select((item, i) => new Yaml(item, $"{Path}[{i}]")).ToList(),
        _ => throw new Xunit.Sdk.XunitException($"{Path} is not a list"),
    };

    public IReadOnlyList<(string Key, Yaml Value)> Entries => Value switch
    {
        null => [],
        Dictionary<object, object> map => map.Select(e => ((string)e.Key, new Yaml(e.Value, $"{Path}.{e.Key}"))).ToList(),
        _ => throw new Xunit.Sdk.XunitException($"{Path} is not a map"),
    };

    public string? Text => Value switch
    {
        null => null,
        string text => text,
        _ => throw new Xunit.Sdk.XunitException($"{Path} is not a scalar"),
    };

    /// <summary>The scalar at this path; fails naming the path when it is missing.</summary>
    public string Required => Text ?? throw new Xunit.Sdk.XunitException($"{Path} is missing");
}

/// <summary>One container's environment: literal values and references (fieldRef, secretKeyRef) by variable name.</summary>
public sealed record ContainerEnvironment(string Where, IReadOnlyDictionary<string, Yaml> Variables)
{
    public string? Literal(string name) => Variables.TryGetValue(name, out Yaml? v) ? (v.Value is string s ? s : v["value"].Text) : null;

    public string? FieldPath(string name) => Variables.TryGetValue(name, out Yaml? v) ? v["valueFrom"]["fieldRef"]["fieldPath"].Text : null;

    public (string Name, string Key)? SecretKey(string name) =>
        Variables.TryGetValue(name, out Yaml? v) && v["valueFrom"]["secretKeyRef"] is { Exists: true } secret
            ? (secret["name"].Required, secret["key"].Required)
            : null;
}

/// <summary>The repository's deploy files and the code they must agree with.</summary>
public static class DeployFiles
{
    public static string Root => RepositoryPaths.Root;
    public static string ComposeFile => Path.Combine(Root, "deploy", "docker-compose.yml");
    public static string KubernetesFolder => Path.Combine(Root, "deploy", "k8s");

    /// <summary>The projects whose Dockerfiles build the images (Project/Dockerfile, built from the repository root).</summary>
    public static readonly string[] ImageProjects = ["Silo", "Client", "Dashboard"];

    /// <summary>Every Kubernetes object of deploy/k8s (kustomization.yaml aside).</summary>
    public static IReadOnlyList<(string File, Yaml Object)> KubernetesObjects() =>
        Directory.GetFiles(KubernetesFolder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => Yaml.LoadDocuments(f).Select(o => (Path.GetFileName(f), o))).ToList();

    public static IEnumerable<Yaml> OfKind(this IEnumerable<(string File, Yaml Object)> objects, string kind) =>
        objects.Where(o => o.Object["kind"].Text == kind).Select(o => o.Object);

    public static string NameOf(Yaml obj) => obj["metadata"]["name"].Required;

    public static ContainerEnvironment KubernetesEnvironment(Yaml container) =>
        new(container.Path, container["env"].Items.ToDictionary(e => e["name"].Required, e => e));

    public static ContainerEnvironment ComposeEnvironment(Yaml service)
    {
        Yaml environment = service["environment"];
        if (environment.Value is List<object>)
            return new(service.Path, environment.Items.Select(i => i.Required.Split('=', 2)).ToDictionary(p => p[0],
                p => new Yaml(p.Length > 1 ? p[1] : "", $"{service.Path}.environment.{p[0]}")));
        return new(service.Path, environment.Entries.ToDictionary(e => e.Key, e => e.Value));
    }

    /// <summary>An image reference without its tag: "musiccluster/silo:latest" -> "musiccluster/silo".</summary>
    public static string ImageName(string image)
    {
        int slash = image.LastIndexOf('/');
        int colon = image.IndexOf(':', slash + 1);
        return colon < 0 ? image : image[..colon];
    }

    public static string Read(params string[] relative) => File.ReadAllText(Path.Combine([Root, .. relative]));

    // ---- the README's configuration table ----------------------------------------------------------------------

    /// <summary>
    /// The keys of the README's "Configuration" table: the back-quoted names in the first column, where a name
    /// starting with ':' continues the section of the name before it (`MusicCluster:Author`, `:Adviser`).
    /// </summary>
    public static IReadOnlySet<string> ReadmeConfigurationKeys()
    {
        string readme = Read("README.md");
        int section = readme.IndexOf("\n## Configuration", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Configuration' section");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in readme[(section + 1)..].Split('\n').Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal)) continue;
            string firstColumn = line.Split('|')[1];
            string? previous = null;
            foreach (Match m in Regex.Matches(firstColumn, "`([^`]+)`"))
            {
                string name = m.Groups[1].Value;
                if (name.StartsWith(':') && previous is not null) name = previous[..previous.LastIndexOf(':')] + name;
                keys.Add(name);
                previous = name;
            }
        }
        Assert.True(keys.Count > 20, $"only {keys.Count} keys read from README.md's configuration table");
        return keys;
    }

    // ---- the code ----------------------------------------------------------------------------------------------

    private static readonly Lazy<IReadOnlyList<(string File, string Text)>> SourceFiles = new(() =>
        new[] { "Music", "Grains.Interfaces", "Grains", "Hosting", "Silo", "Client", "Dashboard" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(Root, p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(Root, f), File.ReadAllText(f))).ToList());

    /// <summary>
    /// Whether the product's code reads a configuration key: a source file holds the whole key as a string literal,
    /// or holds its last segment as a literal together with its section (as a literal, or as the start of an
    /// interpolated key such as $"MusicCluster:Inference:{name}").
    /// </summary>
    public static bool CodeReads(string key)
    {
        int colon = key.LastIndexOf(':');
        string? section = colon < 0 ? null : key[..colon];
        string leaf = key[(colon + 1)..];
        return SourceFiles.Value.Any(f =>
            f.Text.Contains($"\"{key}\"", StringComparison.Ordinal)
            || (section is not null && f.Text.Contains($"\"{leaf}\"", StringComparison.Ordinal)
                && (f.Text.Contains($"\"{section}\"", StringComparison.Ordinal) || f.Text.Contains($"\"{section}:", StringComparison.Ordinal))));
    }

    /// <summary>The members of an enum declared in the product's code ("enum ClusteringKind { Localhost, ... }").</summary>
    public static IReadOnlySet<string> EnumMembers(string enumName)
    {
        foreach ((string _, string text) in SourceFiles.Value)
        {
            Match m = Regex.Match(text, $@"\benum\s+{enumName}\s*\{{([^}}]*)\}}");
            if (m.Success)
                return m.Groups[1].Value.Split(',').Select(s => s.Split('=')[0].Trim()).Where(s => s.Length > 0).ToHashSet(StringComparer.Ordinal);
        }
        throw new Xunit.Sdk.XunitException($"enum {enumName} not found in the product's code");
    }

    /// <summary>Whether some source file of a project maps an endpoint at this path (MapGet("/x"), MapHealthChecks("/x"), ...).</summary>
    public static bool ProjectMapsPath(string project, string path) =>
        SourceFiles.Value.Any(f => f.File.StartsWith(project + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && Regex.IsMatch(f.Text, $@"\.Map\w*\(\s*""{Regex.Escape(path)}"""));

    /// <summary>A host's default port: the port of the Urls setting in its appsettings.json.</summary>
    public static int DefaultHttpPort(string project)
    {
        using var settings = System.Text.Json.JsonDocument.Parse(Read(project, "appsettings.json"));
        string urls = settings.RootElement.GetProperty("Urls").GetString() ?? throw new Xunit.Sdk.XunitException($"{project}/appsettings.json: Urls is null");
        return new Uri(urls.Replace("+", "localhost", StringComparison.Ordinal)).Port;
    }

    /// <summary>An int property's initializer in ClusterSettings ("public int SiloPort { get; init; } = 11111;").</summary>
    public static int ClusterSettingsDefault(string property)
    {
        Match m = Regex.Match(Read("Hosting", "Cluster", "ClusterSettings.cs"), $@"int\s+{property}\s*\{{\s*get;\s*init;\s*\}}\s*=\s*(\d+)");
        Assert.True(m.Success, $"ClusterSettings.{property} has no int default");
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The ShutdownTimeout a host configures, in seconds (TimeSpan.FromSeconds(N) in the named file).</summary>
    public static int ShutdownTimeoutSeconds(params string[] file)
    {
        Match m = Regex.Match(Read(file), @"ShutdownTimeout\s*=\s*TimeSpan\.FromSeconds\((\d+)\)");
        Assert.True(m.Success, $"{Path.Combine(file)} sets no ShutdownTimeout");
        return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
