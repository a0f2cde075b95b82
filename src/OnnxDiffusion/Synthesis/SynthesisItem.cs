namespace OnnxDiffusion.Synthesis;

/// <summary>
/// One image to synthesize: its global id (which keys all of its noise), its class label and, for
/// reconstruction, the index of its real source image (−1 for generation from noise).
/// </summary>
public readonly record struct SynthesisItem(long Id, int Label, int SourceIndex = -1);
