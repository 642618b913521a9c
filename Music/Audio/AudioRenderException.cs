namespace MusicCluster.Music.Audio;

/// <summary>Rendering audio failed: an outside program failed or produced no usable WAV. The message says which and why.</summary>
public sealed class AudioRenderException(string message, Exception? inner = null) : Exception(message, inner);
