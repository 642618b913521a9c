using System.Text.RegularExpressions;

namespace MusicCluster.TestSupport;

/// <summary>
/// Finds, in compiled code, the calls that make a TorchSharp Scalar nobody holds: a temporary that a garbage
/// collection on another thread can finalize while libtorch still reads it (MusicCluster.Music.Runtime.TorchScalars
/// explains the race). Scalars may only be made inside TorchScalars; the TorchSharp members below make one
/// internally (read in TorchSharp 0.107's source for every TorchSharp member this project called) and have
/// TorchScalars or ScalarSafeAdam(W) counterparts.
/// </summary>
public static partial class TorchScalarRules
{
    private const string Home = "MusicCluster.Music.Runtime.TorchScalars";

    [GeneratedRegex(@"^TorchSharp\.(Scalar::op_Implicit|ScalarExtensionMethods::To\w*Scalar)\(")]
    private static partial Regex MakesScalar();

    [GeneratedRegex(@"^TorchSharp\.torch\+Tensor::(" +
        @"op_(Addition|Subtraction|Multiply|Division|Modulus)\([^)]*System\.(Double|Single|Int32|Int64|Boolean)[^)]*\)" + // number operand -> temporary Scalar
        @"|op_Addition\(TorchSharp\.torch\+Tensor, TorchSharp\.torch\+Tensor\)" +          // add(target, 1)
        @"|add_?\(TorchSharp\.torch\+Tensor\)" +                               // add(target, 1), add_(target, 1)
        @"|(softplus|threshold|hardtanh|leaky_relu|elu|celu)\w*\([^)]*System\.Double" + // double -> Scalar inside
        @")" +
        @"|^TorchSharp\.torch\+optim::(Adam|AdamW)\(")]              // step() makes temporaries per parameter
    private static partial Regex MakesScalarInside();

    /// <summary>Fails, listing every violation, when the assemblies make an unheld Scalar (callers <paramref name="except"/> names aside).</summary>
    public static void AssertNone(IEnumerable<string> assemblyPaths, Func<IlCall, bool>? except = null)
    {
        var violations = assemblyPaths.SelectMany(Violations).Where(v => except is null || !except(v))
            .Select(v => v.ToString()).Distinct().ToList();
        Xunit.Assert.True(violations.Count == 0, "unheld TorchSharp scalars (use TorchScalars / ScalarSafeAdam):\n" + string.Join("\n", violations));
    }

    public static IReadOnlyList<IlCall> Violations(string assemblyPath) => IlCallScanner.Calls(assemblyPath)
        .Where(call => (MakesScalar().IsMatch(call.Callee) && !call.Caller.StartsWith(Home + "::", StringComparison.Ordinal))
            || MakesScalarInside().IsMatch(call.Callee))
        .ToList();
}
