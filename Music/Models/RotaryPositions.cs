using MusicCluster.Music.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// Rotary position embeddings (RoFormer): queries and keys are rotated by an angle proportional to their position,
/// so attention scores depend only on the distance between tokens. Positions are absolute numbers, which is what
/// lets the KV cache keep keys rotated once and lets an incremental step at position P match a full forward pass.
/// </summary>
internal static class RotaryPositions
{
    /// <summary>Cosine and sine tables [length, headWidth] for positions offset..offset+length-1.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(long offset, long length, int headWidth, double rotaryBase, Device device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        // Angles are computed in float64 on the CPU so that the same position always gets bit-identical tables,
        // whether it is reached by a full forward pass or by an incremental step.
        int half = headWidth / 2;
        var exponents = TorchScalars.Range(0, half, float64, CPU).Times(2.0 / headWidth);
        var inverseFrequencies = pow(rotaryBase, exponents).reciprocal();
        var positions = TorchScalars.Range(offset, offset + length, float64, CPU);
        var angles = outer(positions, inverseFrequencies);
        var both = cat([angles, angles], dim: -1);
        var cos = both.cos().to(dtype, device);
        var sin = both.sin().to(dtype, device);
        return scope.MoveToOuter(cos, sin);
    }

    /// <summary>Rotates x [batch, heads, time, headWidth] by the tables: pairs (i, i + headWidth/2) turn as 2-D vectors.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long half = x.size(-1) / 2;
        var first = x.narrow(-1, 0, half);
        var second = x.narrow(-1, half, half);
        var rotated = cat([second.neg(), first], dim: -1);
        return scope.MoveToOuter((x * cos).Plus(rotated * sin));
    }
}
