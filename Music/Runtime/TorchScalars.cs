using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Runtime;

/// <summary>
/// The one place this project makes TorchSharp <see cref="Scalar"/>s, and the tensor arithmetic that needs them.
/// </summary>
/// <remarks>
/// TorchSharp turns a .NET number given where libtorch wants a Scalar (<c>x * 0.5</c>, <c>masked_fill(m, -inf)</c>,
/// and the hidden alpha of 1 in <c>a + b</c> and in its Adam) into a temporary Scalar with a finalizer and passes only
/// its native pointer on. From then on nothing refers to the managed object, so a garbage collection that another
/// thread starts during the native call may finalize it and free the native scalar while libtorch still reads it:
/// "Expected false to be true" from c10::Scalar::toFloat when the freed memory was reused, wrong numbers when it
/// was not. (Tests caught it: tensor work on one thread, gen-0 collections on another, fails within seconds.)
/// Scalars held by static fields are never finalized; per-call values live in <c>using</c> locals, which stay
/// reachable until the native call has returned. tests/*/Runtime/TorchScalarRules checks in the compiled code that
/// nothing else creates a Scalar or calls the TorchSharp members that create one internally.
/// Upstream: dotnet/TorchSharp pull requests 1434 ("Dispose Scalars implicitly created in Tensor operators") and 1496
/// ("Dispose implicitly converted TorchSharp.Scalar and torch.Tensor", with leak detectors), both open when this was
/// written against TorchSharp 0.107.0. This class, ScalarSafeAdam(W) and the rules can go once a TorchSharp release
/// served here disposes (so holds) every Scalar it makes, its Adam/AdamW steps included: then switch the optimizers
/// back, drop the rules, and keep the GC-stress tests (TrainingLeakTests, TensorLeakTests) as the proof.
/// </remarks>
public static class TorchScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();

    /// <summary>A Scalar for one call; the caller disposes it (<c>using var s = TorchScalars.Of(x);</c>).</summary>
    public static Scalar Of(double value) => value.ToScalar();

    /// <summary>a + b (the <c>+</c> operator would pass a temporary alpha of 1).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary>x + value.</summary>
    public static Tensor Plus(this Tensor x, double value)
    {
        using var scalar = Of(value);
        return x.add(scalar, One);
    }

    /// <summary>value - x.</summary>
    public static Tensor SubtractedFrom(this Tensor x, double value)
    {
        using var scalar = Of(value);
        return x.neg().add(scalar, One);
    }

    /// <summary>x * factor.</summary>
    public static Tensor Times(this Tensor x, double factor)
    {
        using var scalar = Of(factor);
        return x.mul(scalar);
    }

    /// <summary>x / divisor.</summary>
    public static Tensor DividedBy(this Tensor x, double divisor)
    {
        using var scalar = Of(divisor);
        return x.div(scalar);
    }

    /// <summary>x ^ exponent.</summary>
    public static Tensor Power(this Tensor x, double exponent)
    {
        using var scalar = Of(exponent);
        return x.pow(scalar);
    }

    /// <summary>x limited to [min, max].</summary>
    public static Tensor Clamped(this Tensor x, double min, double max)
    {
        using var low = Of(min);
        using var high = Of(max);
        return x.clamp(low, high);
    }

    /// <summary>x with -infinity where <paramref name="mask"/> is true.</summary>
    public static Tensor MaskedToNegativeInfinity(this Tensor x, Tensor mask) => x.masked_fill(mask, NegativeInfinity);

    /// <summary>start, start + 1, ..., end - 1.</summary>
    public static Tensor Range(long start, long end, ScalarType dtype, Device device)
    {
        using var first = Of(start);
        using var stop = Of(end);
        return arange(first, stop, dtype: dtype, device: device);
    }
}
