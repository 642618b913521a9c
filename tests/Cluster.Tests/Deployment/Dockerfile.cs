using System.Text.Json;
using System.Text.RegularExpressions;

namespace MusicCluster.Cluster.Tests.Deployment;

/// <summary>One instruction of a Dockerfile (continuation lines joined, comments dropped) and the stage it is in.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments, int Stage);

/// <summary>A COPY: its --from stage (null: the build context), sources and destination.</summary>
public sealed record DockerCopy(int Stage, string? From, IReadOnlyList<string> Sources, string Destination);

/// <summary>A stage: FROM image AS name.</summary>
public sealed record DockerStage(int Index, string Image, string? Name);

/// <summary>The parts of a Dockerfile the tests check, read line by line.</summary>
public sealed class Dockerfile
{
    private Dockerfile(string relativePath, IReadOnlyList<DockerInstruction> instructions)
    {
        RelativePath = relativePath;
        Instructions = instructions;
        Stages = instructions.Where(i => i.Keyword == "FROM").Select(i =>
        {
            string[] words = Words(i.Arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
            return new DockerStage(i.Stage, words[0], words.Length >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null);
        }).ToList();
    }

    public string RelativePath { get; }
    public IReadOnlyList<DockerInstruction> Instructions { get; }
    public IReadOnlyList<DockerStage> Stages { get; }
    public DockerStage FinalStage => Stages[^1];

    /// <summary>Project/Dockerfile of the repository.</summary>
    public static Dockerfile Of(string project) => Load(Path.Combine(project, "Dockerfile"));

    public static Dockerfile Load(string relativePath)
    {
        string path = Path.Combine(RepositoryPaths.Root, relativePath);
        Assert.True(File.Exists(path), $"{relativePath} does not exist");
        var instructions = new List<DockerInstruction>();
        int stage = -1;
        string pending = "";
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#'))) continue;
            if (pending.Length > 0 && line.StartsWith('#')) continue; // comment lines inside a continued instruction
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            string whole = (pending + line).Trim();
            pending = "";
            int space = whole.IndexOf(' ');
            string keyword = (space < 0 ? whole : whole[..space]).ToUpperInvariant();
            if (keyword == "FROM") stage++;
            instructions.Add(new DockerInstruction(keyword, space < 0 ? "" : whole[(space + 1)..].Trim(), stage));
        }
        return new Dockerfile(relativePath, instructions);
    }

    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    public IReadOnlyList<DockerCopy> Copies => All("COPY").Select(i =>
    {
        string[] words = Words(i.Arguments);
        string? from = words.Where(w => w.StartsWith("--from=", StringComparison.Ordinal)).Select(w => w["--from=".Length..]).FirstOrDefault();
        string[] paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
        return new DockerCopy(i.Stage, from, paths[..^1], paths[^1]);
    }).ToList();

    /// <summary>ARG name=default pairs of one stage (-1: before the first FROM); a default-less ARG maps to null.</summary>
    public IReadOnlyDictionary<string, string?> Args(int stage) =>
        Instructions.Where(i => i.Keyword == "ARG" && i.Stage == stage).Select(i => i.Arguments.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1].Trim('"') : null);

    /// <summary>ENV and LABEL pairs (key=value, key="value with spaces") of one stage.</summary>
    public IReadOnlyDictionary<string, string> Pairs(string keyword, int stage) =>
        Instructions.Where(i => i.Keyword == keyword && i.Stage == stage)
            .SelectMany(i => Regex.Matches(i.Arguments, "([A-Za-z_][\\w.\\-]*)=(\"([^\"]*)\"|(\\S*))"))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value);

    /// <summary>The image name the file declares it builds (LABEL org.opencontainers.image.title).</summary>
    public string ImageTitle =>
        Pairs("LABEL", FinalStage.Index).TryGetValue("org.opencontainers.image.title", out string? title)
            ? title
            : throw new Xunit.Sdk.XunitException($"{RelativePath}: the final stage has no LABEL org.opencontainers.image.title");

    /// <summary>ENTRYPOINT in exec form (a JSON array).</summary>
    public IReadOnlyList<string> Entrypoint
    {
        get
        {
            DockerInstruction entrypoint = Assert.Single(All("ENTRYPOINT"));
            Assert.True(entrypoint.Arguments.StartsWith('['), $"{RelativePath}: ENTRYPOINT is not in exec form");
            return JsonSerializer.Deserialize<string[]>(entrypoint.Arguments)!;
        }
    }

    public IReadOnlySet<int> ExposedPorts =>
        All("EXPOSE").SelectMany(i => Words(i.Arguments)).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

    /// <summary>The words of RUN commands of one stage that match a regex (e.g. the project `dotnet publish` publishes).</summary>
    public IEnumerable<Match> RunMatches(int stage, string pattern) =>
        Instructions.Where(i => i.Keyword == "RUN" && i.Stage == stage).Select(i => Regex.Match(i.Arguments, pattern)).Where(m => m.Success);

    private static string[] Words(string text) => text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
}
