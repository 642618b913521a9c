using MusicCluster.Music.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// Reads a whole melody at once: pre-LN blocks with rotary positions and no causal mask, so what it gives for step t
/// knows every note of the melody, the cadences after t included. Its input is the melody's cells already embedded
/// (the generator's own token embedding: the pitches it knows); its output [batch, steps, width] is projected by a
/// layer that starts at zero, so a generator that gains an encoder starts out computing exactly what it computed
/// without one and learns from there how much of the melody to use.
/// </summary>
public sealed class MelodyEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm finalNorm;
    private readonly Linear projection;
    private readonly TransformerConfig config;

    public MelodyEncoder(TransformerConfig config) : base(nameof(MelodyEncoder))
    {
        this.config = config;
        int layers = config.MelodyEncoderLayers ?? throw new ArgumentException("the config has no melody encoder", nameof(config));
        blocks = nn.ModuleList(Enumerable.Range(0, layers).Select(layer => new TransformerBlock(config, layer)).ToArray());
        finalNorm = nn.LayerNorm(config.ModelWidth, dtype: float32);
        projection = nn.Linear(config.ModelWidth, config.ModelWidth, hasBias: true, dtype: float32);
        using (no_grad())
        {
            projection.weight!.zero_();
            projection.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>Per-step context [batch, steps, width] of embedded melodies of one length [batch, steps, width].</summary>
    public override Tensor forward(Tensor embedded)
    {
        using var scope = NewDisposeScope();
        long steps = embedded.size(1);
        if (steps > TransformerConfig.MaxMelodySteps)
            throw new ArgumentException($"a melody of {steps} steps is longer than the encoder reads ({TransformerConfig.MaxMelodySteps})", nameof(embedded));
        var (cos, sin) = RotaryPositions.Tables(0, steps, config.HeadWidth, config.RotaryBase, embedded.device, embedded.dtype);
        // Every step may read every step of its melody.
        var context = new AttentionContext(cos, sin, null, false, null);
        var hidden = embedded;
        foreach (var block in blocks) hidden = block.forward(hidden, context);
        return scope.MoveToOuter(projection.forward(finalNorm.forward(hidden)));
    }
}
