// Original file: proto/aloe/inference/v1/inference.proto


export interface GetModelInfoRequest {
}

export interface GetModelInfoRequest__Output {
}
