using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// A module's parameters, or their gradients, as one flat float32 vector in <c>parameters()</c> order (the order is
/// fixed by the architecture, so two replicas of one config agree on it). What data-parallel workers exchange.
/// </summary>
public static class ParameterVector
{
    /// <summary>How many floats the vector of <paramref name="module"/> has.</summary>
    public static long LengthOf(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>The parameters' values.</summary>
    public static float[] Values(nn.Module module) => Gather(module, p => p);

    /// <summary>The parameters' gradients (a parameter without one, unused by the last backward pass, gives zeros).</summary>
    public static float[] Gradients(nn.Module module) => Gather(module, p => p.grad);

    /// <summary>Writes <paramref name="values"/> into the parameters.</summary>
    public static void SetValues(nn.Module module, ReadOnlySpan<float> values) => Scatter(module, values, p => p, "values");

    /// <summary>
    /// Writes <paramref name="gradient"/> into the parameters' gradients. A parameter without a gradient keeps none (the
    /// optimizer skips it, as it would for a single worker whose backward pass did not reach it).
    /// </summary>
    public static void SetGradients(nn.Module module, ReadOnlySpan<float> gradient) => Scatter(module, gradient, p => p.grad, "gradient");

    private static float[] Gather(nn.Module module, Func<Tensor, Tensor?> select)
    {
        var result = new float[LengthOf(module)];
        long offset = 0;
        using var scope = NewDisposeScope();
        foreach (var parameter in module.parameters())
        {
            long count = parameter.numel();
            if (select(parameter) is { } tensor)
                tensor.detach().cpu().contiguous().data<float>().CopyTo(result.AsSpan((int)offset, (int)count));
            offset += count;
        }
        return result;
    }

    private static void Scatter(nn.Module module, ReadOnlySpan<float> source, Func<Tensor, Tensor?> select, string what)
    {
        long expected = LengthOf(module);
        if (source.Length != expected)
            throw new ArgumentException($"{what}: {source.Length} floats, but the model has {expected} parameters");
        long offset = 0;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var parameter in module.parameters())
        {
            long count = parameter.numel();
            if (select(parameter) is { } target)
            {
                var values = tensor(source.Slice((int)offset, (int)count).ToArray(), parameter.shape, dtype: float32);
                target.copy_(values);
            }
            offset += count;
        }
    }
}
