// Original file: proto/aloe/inference/v1/inference.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GenerateRequest as _aloe_inference_v1_GenerateRequest, GenerateRequest__Output as _aloe_inference_v1_GenerateRequest__Output } from '../../../aloe/inference/v1/GenerateRequest.js';
import type { GenerateResponse as _aloe_inference_v1_GenerateResponse, GenerateResponse__Output as _aloe_inference_v1_GenerateResponse__Output } from '../../../aloe/inference/v1/GenerateResponse.js';
import type { GenerateStreamChunk as _aloe_inference_v1_GenerateStreamChunk, GenerateStreamChunk__Output as _aloe_inference_v1_GenerateStreamChunk__Output } from '../../../aloe/inference/v1/GenerateStreamChunk.js';
import type { GetModelInfoRequest as _aloe_inference_v1_GetModelInfoRequest, GetModelInfoRequest__Output as _aloe_inference_v1_GetModelInfoRequest__Output } from '../../../aloe/inference/v1/GetModelInfoRequest.js';
import type { ModelInfo as _aloe_inference_v1_ModelInfo, ModelInfo__Output as _aloe_inference_v1_ModelInfo__Output } from '../../../aloe/inference/v1/ModelInfo.js';

export interface InferenceClient extends grpc.Client {
  Generate(argument: _aloe_inference_v1_GenerateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_aloe_inference_v1_GenerateResponse__Output>): grpc.ClientUnaryCall;
  Generate(argument: _aloe_inference_v1_GenerateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_aloe_inference_v1_GenerateResponse__Output>): grpc.ClientUnaryCall;
  Generate(argument: _aloe_inference_v1_GenerateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_aloe_inference_v1_GenerateResponse__Output>): grpc.ClientUnaryCall;
  Generate(argument: _aloe_inference_v1_GenerateRequest, callback: grpc.requestCallback<_aloe_inference_v1_GenerateResponse__Output>): grpc.ClientUnaryCall;
  generate(argument: _aloe_inference_v1_GenerateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_aloe_inference_v1_GenerateResponse__Output>): grpc.ClientUnaryCall;
  generate(argument: _aloe_inference_v1_GenerateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_aloe_inference_v1_GenerateResponse__Output>): grpc.ClientUnaryCall;
  generate(argument: _aloe_inference_v1_GenerateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_aloe_inference_v1_GenerateResponse__Output>): grpc.ClientUnaryCall;
  generate(argument: _aloe_inference_v1_GenerateRequest, callback: grpc.requestCallback<_aloe_inference_v1_GenerateResponse__Output>): grpc.ClientUnaryCall;
  
  GenerateStream(argument: _aloe_inference_v1_GenerateRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_aloe_inference_v1_GenerateStreamChunk__Output>;
  GenerateStream(argument: _aloe_inference_v1_GenerateRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_aloe_inference_v1_GenerateStreamChunk__Output>;
  generateStream(argument: _aloe_inference_v1_GenerateRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_aloe_inference_v1_GenerateStreamChunk__Output>;
  generateStream(argument: _aloe_inference_v1_GenerateRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_aloe_inference_v1_GenerateStreamChunk__Output>;
  
  GetModelInfo(argument: _aloe_inference_v1_GetModelInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_aloe_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModelInfo(argument: _aloe_inference_v1_GetModelInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_aloe_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModelInfo(argument: _aloe_inference_v1_GetModelInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_aloe_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModelInfo(argument: _aloe_inference_v1_GetModelInfoRequest, callback: grpc.requestCallback<_aloe_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModelInfo(argument: _aloe_inference_v1_GetModelInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_aloe_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModelInfo(argument: _aloe_inference_v1_GetModelInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_aloe_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModelInfo(argument: _aloe_inference_v1_GetModelInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_aloe_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModelInfo(argument: _aloe_inference_v1_GetModelInfoRequest, callback: grpc.requestCallback<_aloe_inference_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
}

export interface InferenceHandlers extends grpc.UntypedServiceImplementation {
  Generate: grpc.handleUnaryCall<_aloe_inference_v1_GenerateRequest__Output, _aloe_inference_v1_GenerateResponse>;
  
  GenerateStream: grpc.handleServerStreamingCall<_aloe_inference_v1_GenerateRequest__Output, _aloe_inference_v1_GenerateStreamChunk>;
  
  GetModelInfo: grpc.handleUnaryCall<_aloe_inference_v1_GetModelInfoRequest__Output, _aloe_inference_v1_ModelInfo>;
  
}

export interface InferenceDefinition extends grpc.ServiceDefinition {
  Generate: MethodDefinition<_aloe_inference_v1_GenerateRequest, _aloe_inference_v1_GenerateResponse, _aloe_inference_v1_GenerateRequest__Output, _aloe_inference_v1_GenerateResponse__Output>
  GenerateStream: MethodDefinition<_aloe_inference_v1_GenerateRequest, _aloe_inference_v1_GenerateStreamChunk, _aloe_inference_v1_GenerateRequest__Output, _aloe_inference_v1_GenerateStreamChunk__Output>
  GetModelInfo: MethodDefinition<_aloe_inference_v1_GetModelInfoRequest, _aloe_inference_v1_ModelInfo, _aloe_inference_v1_GetModelInfoRequest__Output, _aloe_inference_v1_ModelInfo__Output>
}
