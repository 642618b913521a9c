using MusicCluster.TestSupport;

namespace MusicCluster.Cli.Tests;

/// <summary>The command-line tool's own tensor code holds every Scalar it gives libtorch (see TorchScalars).</summary>
public sealed class TorchScalarRulesTests
{
    [Fact]
    public void The_command_line_tool_holds_every_scalar_it_gives_libtorch()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "musiccluster.dll");
        Assert.True(File.Exists(cli), $"{cli} not found next to the tests");
        TorchScalarRules.AssertNone([cli]);
    }
}
