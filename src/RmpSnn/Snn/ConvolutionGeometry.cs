namespace RmpSnn.Snn;

/// <summary>Input and output sizes, stride and zero padding of one 2-D convolution call.</summary>
internal readonly record struct ConvolutionGeometry(int H, int W, int OutH, int OutW, int StrideH, int StrideW, int PadH, int PadW);
